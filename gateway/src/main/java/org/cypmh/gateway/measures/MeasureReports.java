package org.cypmh.gateway.measures;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cypmh.profiles.api.ConformancePackage;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.MeasureReport;
import org.hl7.fhir.r4.model.MeasureReport.MeasureReportGroupComponent;
import org.hl7.fhir.r4.model.MeasureReport.MeasureReportGroupStratifierComponent;
import org.hl7.fhir.r4.model.MeasureReport.StratifierGroupComponent;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;

/**
 * Figures as FHIR: one summary {@code MeasureReport} per measure, period and provider, each figure
 * a group (code = the figure), each breakdown a stratifier. Populations: {@code initial-population}
 * (what was counted), {@code numerator} where the figure has one, and {@code missing-data} (how
 * many could not be counted); {@code measureScore} the percentage, wait in days or count. A
 * suppressed figure has no counts and carries the {@code suppressed} extension.
 */
final class MeasureReports {

  static final String MEASURE_BASE = "https://cypmh-gateway.org/fhir/Measure/";
  static final String IDENTIFIER_SYSTEM = "https://cypmh-gateway.org/fhir/Id/measure-report";
  static final String GROUP_SYSTEM = "https://cypmh-gateway.org/fhir/CodeSystem/measure-figure";
  static final String SUPPRESSED_EXTENSION =
      "https://cypmh-gateway.org/fhir/StructureDefinition/small-number-suppressed";
  static final String MISSING_DATA = "missing-data";
  private static final String POPULATION_SYSTEM =
      "http://terminology.hl7.org/CodeSystem/measure-population";
  private static final String UCUM = "http://unitsofmeasure.org";

  static final String CSV_HEADER =
      "measure,period_start,period_end,provider,figure,stratifier,stratum,denominator,numerator,"
          + "score,unit,missing_data,suppressed";

  private MeasureReports() {}

  /** The identifier a report is stored under: recomputing a period replaces it. */
  static String identifier(String measure, String provider, LocalDate start, LocalDate end) {
    return measure + "/" + (provider == null ? "ALL" : provider) + "/" + start + "/" + end;
  }

  static List<MeasureReport> of(
      List<Figure> figures, LocalDate start, LocalDate end, String provider, Date now) {
    Map<String, MeasureReport> reports = new LinkedHashMap<>();
    Map<String, MeasureReportGroupComponent> groups = new LinkedHashMap<>();
    for (Figure figure : figures) {
      MeasureReport report =
          reports.computeIfAbsent(figure.measure(), m -> report(m, start, end, provider, now));
      MeasureReportGroupComponent group =
          groups.computeIfAbsent(
              figure.measure() + "|" + figure.group(),
              k -> {
                MeasureReportGroupComponent added = report.addGroup();
                added.setCode(new CodeableConcept(new Coding(GROUP_SYSTEM, figure.group(), null)));
                return added;
              });
      if (figure.stratifier() == null) {
        counts(figure)
            .forEach(
                (code, count) ->
                    group
                        .addPopulation()
                        .setCode(new CodeableConcept(coding(code)))
                        .setCount(count));
        score(figure, group::setMeasureScore);
        suppressed(figure, group);
      } else {
        MeasureReportGroupStratifierComponent stratifier =
            group.getStratifier().stream()
                .filter(s -> figure.stratifier().equals(s.getCodeFirstRep().getText()))
                .findFirst()
                .orElseGet(
                    () -> {
                      MeasureReportGroupStratifierComponent added = group.addStratifier();
                      added.addCode().setText(figure.stratifier());
                      return added;
                    });
        StratifierGroupComponent stratum = stratifier.addStratum();
        stratum.getValue().setText(figure.stratum());
        counts(figure)
            .forEach(
                (code, count) ->
                    stratum
                        .addPopulation()
                        .setCode(new CodeableConcept(coding(code)))
                        .setCount(count));
        score(figure, stratum::setMeasureScore);
        suppressed(figure, stratum);
      }
    }
    return new ArrayList<>(reports.values());
  }

  private static MeasureReport report(
      String measure, LocalDate start, LocalDate end, String provider, Date now) {
    MeasureReport report = new MeasureReport();
    report.addIdentifier(
        new Identifier()
            .setSystem(IDENTIFIER_SYSTEM)
            .setValue(identifier(measure, provider, start, end)));
    report.setStatus(MeasureReport.MeasureReportStatus.COMPLETE);
    report.setType(MeasureReport.MeasureReportType.SUMMARY);
    report.setMeasure(MEASURE_BASE + measure);
    report.setDate(now);
    report.getPeriod().setStartElement(new DateTimeType(start.toString()));
    report.getPeriod().setEndElement(new DateTimeType(end.toString()));
    if (provider != null) {
      report.setReporter(
          new Reference()
              .setIdentifier(
                  new Identifier()
                      .setSystem(ConformancePackage.ODS_ORGANIZATION_SYSTEM)
                      .setValue(provider)));
    } else {
      report.setReporter(new Reference().setDisplay("CYPMH gateway: every provider"));
    }
    return report;
  }

  /** The populations a figure publishes, by code; a withheld count is left out. */
  private static Map<String, Integer> counts(Figure figure) {
    Map<String, Integer> counts = new LinkedHashMap<>();
    if (figure.denominator() != null) {
      counts.put("initial-population", Math.toIntExact(figure.denominator()));
    }
    if (figure.numerator() != null) {
      counts.put("numerator", Math.toIntExact(figure.numerator()));
    }
    if (figure.missing() != null) {
      counts.put(MISSING_DATA, Math.toIntExact(figure.missing()));
    }
    return counts;
  }

  private static Coding coding(String code) {
    return MISSING_DATA.equals(code)
        ? new Coding(GROUP_SYSTEM, MISSING_DATA, "could not be counted: data missing")
        : new Coding(POPULATION_SYSTEM, code, null);
  }

  private static void score(Figure figure, java.util.function.Consumer<Quantity> set) {
    if (figure.score() != null) {
      set.accept(
          new Quantity()
              .setValue(figure.score())
              .setUnit(figure.unit())
              .setSystem(UCUM)
              .setCode(figure.unit()));
    }
  }

  private static void suppressed(Figure figure, org.hl7.fhir.r4.model.Element element) {
    if (figure.suppressed()) {
      element.addExtension(new Extension(SUPPRESSED_EXTENSION, new BooleanType(true)));
    }
  }

  /** One CSV line per figure, in the column order of {@link #CSV_HEADER}. */
  static String csv(Figure figure, LocalDate start, LocalDate end, String provider) {
    return String.join(
        ",",
        figure.measure(),
        start.toString(),
        end.toString(),
        provider == null ? "ALL" : provider,
        figure.group(),
        text(figure.stratifier()),
        quoted(figure.stratum()),
        number(figure.denominator()),
        number(figure.numerator()),
        figure.score() == null ? "" : figure.score().toPlainString(),
        figure.unit(),
        number(figure.missing()),
        figure.suppressed() ? "Y" : "N");
  }

  private static String number(Long value) {
    return value == null ? "" : value.toString();
  }

  private static String text(String value) {
    return value == null ? "" : value;
  }

  private static String quoted(String value) {
    if (value == null) {
      return "";
    }
    return value.contains(",") || value.contains("\"")
        ? "\"" + value.replace("\"", "\"\"") + "\""
        : value;
  }
}
