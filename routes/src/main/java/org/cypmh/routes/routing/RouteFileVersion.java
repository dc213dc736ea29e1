package org.cypmh.routes.routing;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;
import jakarta.persistence.UniqueConstraint;
import java.time.Instant;
import org.hibernate.Length;

/**
 * One version of one route file kept in the database: its text (none for a deletion), who changed
 * it, when and why. Rows are only ever added; a file's current version is its highest.
 */
@Entity
@Table(
    name = "GW_ROUTE_FILE_VERSION",
    uniqueConstraints =
        @UniqueConstraint(
            name = "UK_GW_ROUTE_FILE_VERSION",
            columnNames = {"FILE_NAME", "VERSION"}))
public class RouteFileVersion {

  @Id
  @SequenceGenerator(
      name = "GW_ROUTE_FILE_SEQ",
      sequenceName = "GW_ROUTE_FILE_SEQ",
      allocationSize = 1)
  @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "GW_ROUTE_FILE_SEQ")
  @Column(name = "ID")
  private Long id;

  @Column(name = "FILE_NAME", nullable = false, length = 100)
  private String fileName;

  @Column(name = "VERSION", nullable = false)
  private int version;

  @Column(name = "CONTENT", length = Length.LONG32)
  private String content;

  @Column(name = "SHA256", length = 64)
  private String sha256;

  @Column(name = "DELETED", nullable = false)
  private boolean deleted;

  @Column(name = "CHANGED_BY", nullable = false, length = 200)
  private String changedBy;

  @Column(name = "CHANGED_AT", nullable = false)
  private Instant changedAt;

  @Column(name = "CHANGE_NOTE", length = 500)
  private String changeNote;

  protected RouteFileVersion() {}

  RouteFileVersion(
      String fileName,
      int version,
      String content,
      String sha256,
      String changedBy,
      Instant changedAt,
      String changeNote) {
    this.fileName = fileName;
    this.version = version;
    this.content = content;
    this.sha256 = sha256;
    this.deleted = content == null;
    this.changedBy = changedBy;
    this.changedAt = changedAt;
    this.changeNote = changeNote;
  }

  public String fileName() {
    return fileName;
  }

  public int version() {
    return version;
  }

  /** The file's text; null for a deletion. */
  public String content() {
    return content;
  }

  public String sha256() {
    return sha256;
  }

  public boolean deleted() {
    return deleted;
  }

  public String changedBy() {
    return changedBy;
  }

  public Instant changedAt() {
    return changedAt;
  }

  public String changeNote() {
    return changeNote;
  }
}
