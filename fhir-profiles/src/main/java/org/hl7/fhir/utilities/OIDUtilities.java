package org.hl7.fhir.utilities;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.hl7.fhir.exceptions.FHIRException;

/**
 * Stands in for FHIR core's class of the same name (org.hl7.fhir.utilities 6.7.9, which HAPI 8.8.0
 * brings) so that its OID registry is read once per JVM instead of once per validation.
 *
 * <p>Why: HAPI builds a new {@code InstanceValidator} for every validation, and its constructor
 * builds a new {@code OIDUtilities}, whose constructor re-reads and re-parses the 1.5 MB {@code
 * oidregistry.csv}. That was the gateway's single hottest method: about a seventh of the CPU each
 * referral cost (see the README, "Load benchmark"). Nothing in HAPI's or FHIR core's API lets a
 * caller share the table, so this class (first on the class path: fhir-profiles is the gateway's
 * first dependency) answers exactly as the original does, from a table parsed on first use.
 *
 * <p>{@code OidUtilitiesStandInTest} compares every public method with the original class, loaded
 * from FHIR core's own jar, and fails when FHIR core's version changes, so that an upgrade decides
 * whether this class is still needed. Remove it when FHIR core shares the table itself.
 */
public class OIDUtilities {

  /** The FHIR core version whose class this one stands in for. */
  public static final String STANDS_IN_FOR_VERSION = "6.7.9";

  private static final Pattern VALID_OID = Pattern.compile("[0-2](\\.(0|[1-9][0-9]*))+");
  private static final String OID_URN = "urn:oid:";

  /** The well-known code systems FHIR core names by URI (the same fourteen, in its order). */
  private static final Map<String, String> URI_BY_OID =
      Map.ofEntries(
          Map.entry("2.16.840.1.113883.6.96", "http://snomed.info/sct"),
          Map.entry("2.16.840.1.113883.6.1", "http://loinc.org"),
          Map.entry("2.16.840.1.113883.6.8", "http://unitsofmeasure.org"),
          Map.entry("2.16.840.1.113883.6.3", "http://hl7.org/fhir/sid/icd-10"),
          Map.entry("2.16.840.1.113883.6.42", "http://hl7.org/fhir/sid/icd-9"),
          Map.entry("2.16.840.1.113883.6.104", "http://hl7.org/fhir/sid/icd-9"),
          Map.entry("2.16.840.1.113883.6.103", "http://hl7.org/fhir/sid/icd-9"),
          Map.entry("2.16.840.1.113883.6.73", "http://www.whocc.no/atc"),
          Map.entry("2.16.840.1.113883.3.26.1.1", "http://ncimeta.nci.nih.gov"),
          Map.entry("2.16.840.1.113883.3.26.1.1.1", "http://ncimeta.nci.nih.gov"),
          Map.entry("2.16.840.1.113883.6.88", "http://www.nlm.nih.gov/research/umls/rxnorm"),
          Map.entry("2.16.840.1.113883.6.59", "http://hl7.org/fhir/sid/cvx"),
          Map.entry("2.16.840.1.113883.12.292", "http://hl7.org/fhir/sid/cvx"),
          Map.entry("2.16.840.1.113883.6.12", "http://www.ama-assn.org/go/cpt"));

  /** Parsed on first use, by the first validation (or the validator's warm-up at start). */
  private static final class Registry {
    static final Set<String> KNOWN = read();

    private static Set<String> read() {
      InputStream in = OIDUtilities.class.getClassLoader().getResourceAsStream("oidregistry.csv");
      if (in == null) {
        throw new FHIRException("oidregistry.csv (FHIR core) is not on the class path");
      }
      Set<String> known = new HashSet<>();
      try (BufferedReader reader =
          new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        reader.readLine(); // the header
        String line;
        while ((line = reader.readLine()) != null) {
          String[] columns = line.split(",");
          // The original skips rows of fewer than four columns, and refuses a non-numeric type.
          if (columns.length >= 4) {
            Integer.parseInt(columns[1].trim());
            known.add(columns[0].trim());
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return Set.copyOf(known);
    }
  }

  public OIDUtilities() {
    // Nothing to read: the registry is shared (see Registry).
  }

  public static String getUriForOid(String oid) {
    return oid == null ? null : URI_BY_OID.get(oid);
  }

  public static String oidTail(String id) {
    if (id == null || !id.contains(".")) {
      return id;
    }
    return id.substring(id.lastIndexOf('.') + 1);
  }

  public static String oidRoot(String id) {
    if (id == null || !id.contains(".")) {
      return id;
    }
    return id.substring(0, id.indexOf('.'));
  }

  public static boolean isValidOID(String oid) {
    return VALID_OID.matcher(oid).matches();
  }

  /** Whether {@code urn:oid:<oid>} names an OID in FHIR core's registry. */
  public boolean isKnownOID(String urn) {
    return urn != null
        && urn.startsWith(OID_URN)
        && Registry.KNOWN.contains(urn.substring(OID_URN.length()));
  }
}
