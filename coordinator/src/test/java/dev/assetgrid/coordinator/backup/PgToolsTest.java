package dev.assetgrid.coordinator.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PgToolsTest {
  @TempDir Path dir;

  /** A stand-in program that answers --version like PostgreSQL's. */
  private Path fake(String name, String version) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, "#!/bin/sh\necho '" + name + " (PostgreSQL) " + version + "'\n");
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    return p;
  }

  @Test
  void takesAToolNewEnoughAndNamesTheOneThatIsNot() throws Exception {
    fake("pg_dump", "15.18 (Debian 15.18-0+deb12u1)");
    PgTools tools = new PgTools(dir);
    assertThat(tools.require("pg_dump", 15, "test").major()).isEqualTo(15);
    assertThatThrownBy(() -> tools.require("pg_dump", 17, "the server is PostgreSQL 17.11"))
        .isInstanceOf(AssetGridException.class)
        .hasMessageStartingWith(
            "pg_dump of PostgreSQL 17 or newer is needed (the server is PostgreSQL 17.11) but only [pg_dump (PostgreSQL) 15.18")
        .hasMessageEndingWith(
            "install postgresql-client-17 or point --pg-bin (ASSETGRID_PG_BIN) at a folder holding pg_dump and pg_restore")
        .extracting(e -> ((AssetGridException) e).code())
        .isEqualTo(ErrorCode.INVALID_REQUEST);
    assertThatThrownBy(() -> tools.require("pg_restore", 17, "x"))
        .hasMessageContaining("none was found in " + dir);
  }

  @Test
  void theFirstErrorLineIsWhatTheUserSees() throws Exception {
    Path log = dir.resolve("log");
    Files.writeString(
        log,
        "pg_dump: warning: something\npg_dump: error: connection to server at \"db\" failed: Connection refused\npg_dump: detail: more\n");
    assertThat(PgTools.firstError(log, "pg_dump"))
        .isEqualTo("connection to server at \"db\" failed: Connection refused");
    Files.writeString(log, "pg_restore: cannot open input\n");
    assertThat(PgTools.firstError(log, "pg_restore")).isEqualTo("cannot open input");
  }
}
