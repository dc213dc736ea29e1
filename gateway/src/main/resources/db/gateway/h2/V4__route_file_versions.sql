-- Route files kept in the database (routes.files.source=database): every version of every file,
-- with who changed it and why, so every node runs the same routes (routes.routing.RouteFileStore).
-- A file's current version is its highest; a deleted file's highest version says DELETED.
CREATE SEQUENCE GW_ROUTE_FILE_SEQ START WITH 1 INCREMENT BY 1;

CREATE TABLE GW_ROUTE_FILE_VERSION (
    ID          BIGINT        NOT NULL,
    FILE_NAME   VARCHAR(100)  NOT NULL,
    VERSION     INTEGER       NOT NULL,
    CONTENT     CHARACTER LARGE OBJECT,
    SHA256      VARCHAR(64),
    DELETED     BOOLEAN       NOT NULL,
    CHANGED_BY  VARCHAR(200)  NOT NULL,
    CHANGED_AT  TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    CHANGE_NOTE VARCHAR(500),
    CONSTRAINT PK_GW_ROUTE_FILE_VERSION PRIMARY KEY (ID),
    -- Two nodes saving the same file at once: one of them gets this violation, never a lost edit.
    CONSTRAINT UK_GW_ROUTE_FILE_VERSION UNIQUE (FILE_NAME, VERSION)
);
