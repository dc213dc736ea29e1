package org.cypmh.gateway.terminology;

import ca.uhn.fhir.jpa.term.UploadStatistics;
import ca.uhn.fhir.jpa.term.api.ITermDeferredStorageSvc;
import ca.uhn.fhir.jpa.term.api.ITermLoaderSvc;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.cypmh.terminology.snomed.Rf2Files;
import org.cypmh.terminology.snomed.Rf2Reader;
import org.cypmh.terminology.snomed.SnomedIndex;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Loads a SNOMED CT release (RF2, zips or folders in {@code gateway.terminology.import-dir}) in the
 * background, one load at a time: reads it into a new in-memory index, stores it through HAPI's
 * terminology loader (which serves {@code $lookup} and {@code $validate-code} from the database),
 * waits until HAPI's deferred storage has saved every concept, keeps the release's files and then
 * switches reads to the new edition.
 *
 * <p>Refused at once, before anything is loaded: sources outside the import folder, sources without
 * RF2 Concept, Description and Relationship files, and an extension without its International base
 * (HAPI stores SNOMED CT as one code system, so base and extension go in one load).
 *
 * <p>The files are handed to HAPI with the names its loader needs ({@link Rf2Files.File#hapiName}):
 * Snapshot files (HAPI reads only names containing {@code _Full}) and the UK edition's {@code
 * UKCL}-prefixed names no longer need renaming by hand.
 */
@Component
class SnomedReleaseLoader implements DisposableBean {

  private static final Logger log = LoggerFactory.getLogger(SnomedReleaseLoader.class);
  private static final long DRAIN_POLL_MILLIS = 1_000;

  private final ITermLoaderSvc termLoader;
  private final ITermDeferredStorageSvc deferredStorage;
  private final SnomedEdition edition;
  private final Path importDir;
  private final Clock clock;
  private final ExecutorService worker =
      Executors.newSingleThreadExecutor(
          task -> {
            Thread thread = new Thread(task, "snomed-load");
            thread.setDaemon(true);
            return thread;
          });
  private volatile SnomedLoad latest;

  SnomedReleaseLoader(
      ITermLoaderSvc termLoader,
      ITermDeferredStorageSvc deferredStorage,
      SnomedEdition edition,
      TerminologyProperties properties,
      Clock clock) {
    this.termLoader = termLoader;
    this.deferredStorage = deferredStorage;
    this.edition = edition;
    this.importDir = Path.of(properties.importDir()).toAbsolutePath().normalize();
    this.clock = clock;
  }

  /** Checks the sources and starts loading them; the answer names the load to ask about. */
  synchronized SnomedLoad start(List<String> sourceNames) {
    if (latest != null && latest.running()) {
      throw new ResourceVersionConflictException(
          "A SNOMED CT load is already running (load " + latest.id + "); ask $snomed-load-status");
    }
    List<Path> sources = sourceNames.stream().map(this::resolve).toList();
    Rf2Files release = Rf2Files.locate(sources);
    for (Rf2Files.Kind kind :
        List.of(Rf2Files.Kind.CONCEPT, Rf2Files.Kind.DESCRIPTION, Rf2Files.Kind.RELATIONSHIP)) {
      if (release.files(kind).isEmpty()) {
        throw new UnprocessableEntityException(
            "No RF2 "
                + kind.name().toLowerCase()
                + " file (sct2_..._Snapshot_ or _Full_) in "
                + sourceNames
                + ": give the release zip or its unpacked folder");
      }
    }
    if (!Rf2Reader.hasInternationalBase(release)) {
      throw new UnprocessableEntityException(
          "The release "
              + sourceNames
              + " (parts "
              + release.parts()
              + ") is an extension without its base: it has no active root concept "
              + SnomedIndex.ROOT
              + " of the International Edition. Load the International Edition and the extension"
              + " together, e.g. source=<international.zip>&source=<uk-clinical.zip>");
    }
    SnomedLoad load = new SnomedLoad(sourceNames, clock.instant());
    latest = load;
    worker.submit(() -> run(load, release));
    return load;
  }

  /** The load with that id, or the latest where {@code id} is null. */
  Optional<SnomedLoad> load(String id) {
    SnomedLoad load = latest;
    if (load == null || (id != null && !id.equals(load.id))) {
      return Optional.empty();
    }
    return Optional.of(load);
  }

  private void run(SnomedLoad load, Rf2Files release) {
    try {
      SnomedIndex index = Rf2Reader.read(release);
      load.concepts = index.conceptCount();
      load.activeConcepts = index.activeConceptCount();
      load.descriptions = index.descriptionCount();
      load.relationships = index.relationshipCount();
      load.phase = SnomedLoad.Phase.STORING;
      load.message = "HAPI's terminology loader is storing the concepts";
      UploadStatistics stored =
          termLoader.loadSnomedCt(descriptors(release), new SystemRequestDetails());
      load.storedByHapi = stored.getUpdatedConceptCount();
      load.message = "HAPI's deferred terminology storage is saving the concepts";
      // HAPI's deferred storage saves concepts on its own schedule and offers no completion
      // callback: this background load asks its queue until it is empty, then switches.
      while (!deferredStorage.isStorageQueueEmpty(true)) {
        Thread.sleep(DRAIN_POLL_MILLIS);
      }
      load.phase = SnomedLoad.Phase.SWITCHING;
      load.message = "keeping the release files and switching to the new edition";
      keep(release);
      edition.replace(index);
      load.finished = clock.instant();
      load.phase = SnomedLoad.Phase.DONE;
      load.message = "loaded";
      log.info(
          "SNOMED CT release {} loaded in {} s: {} concepts ({} active), {} descriptions, {}"
              + " relationships; HAPI stored {} concepts",
          load.sources,
          load.elapsed(clock.instant()).toSeconds(),
          load.concepts,
          load.activeConcepts,
          load.descriptions,
          load.relationships,
          load.storedByHapi);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      fail(load, "interrupted (the gateway is stopping)");
    } catch (RuntimeException e) {
      log.warn("SNOMED CT load {} failed", load.id, e);
      fail(load, e.getMessage());
    }
  }

  private void fail(SnomedLoad load, String message) {
    load.finished = clock.instant();
    load.message = message;
    load.phase = SnomedLoad.Phase.FAILED;
  }

  /** A source name is a file or folder inside the import folder, nothing else. */
  private Path resolve(String name) {
    Path path = importDir.resolve(name).toAbsolutePath().normalize();
    if (!path.startsWith(importDir) || path.equals(importDir)) {
      throw new InvalidRequestException(
          "source '" + name + "' must name a zip or folder inside the import folder");
    }
    if (!Files.exists(path)) {
      throw new InvalidRequestException(
          "source '" + name + "' is not in the import folder (gateway.terminology.import-dir)");
    }
    return path;
  }

  private static List<ITermLoaderSvc.FileDescriptor> descriptors(Rf2Files release) {
    List<ITermLoaderSvc.FileDescriptor> files = new ArrayList<>();
    for (Rf2Files.File file : release.files()) {
      if (file.kind() == Rf2Files.Kind.SIMPLE_REFSET
          || file.kind() == Rf2Files.Kind.LANGUAGE_REFSET) {
        continue;
      }
      files.add(
          new ITermLoaderSvc.FileDescriptor() {
            @Override
            public String getFilename() {
              return file.hapiName();
            }

            @Override
            public InputStream getInputStream() {
              try {
                return file.open();
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            }
          });
    }
    return files;
  }

  /** Copies the files read into a fresh folder, then puts it in place of the kept release. */
  private void keep(Rf2Files release) {
    Path target = edition.releaseDir();
    Path fresh = target.resolveSibling(target.getFileName() + ".new");
    try {
      deleteTree(fresh);
      for (Rf2Files.File file : release.files()) {
        Path copy = fresh.resolve(file.part()).resolve(Path.of(file.name()).getFileName());
        Files.createDirectories(copy.getParent());
        try (InputStream in = file.open()) {
          Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
        }
      }
      deleteTree(target);
      Files.move(fresh, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("Could not keep the release in " + target, e);
    }
  }

  private static void deleteTree(Path folder) throws IOException {
    if (!Files.exists(folder)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(folder)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }

  @Override
  public void destroy() {
    worker.shutdownNow();
  }
}
