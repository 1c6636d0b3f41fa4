package dev.assetgrid.coordinator;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;

/**
 * The coordinator's shape as rules (STYLE §21): http → schedule → store, one way; SQL (reactive or
 * JDBC) only in the store. Main classes only.
 */
@AnalyzeClasses(
    packages = "dev.assetgrid.coordinator",
    importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  @ArchTest
  static final ArchRule storeNeverCallsUp =
      noClasses()
          .that()
          .resideInAPackage("dev.assetgrid.coordinator.store..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "dev.assetgrid.coordinator.http..",
              "dev.assetgrid.coordinator.schedule..",
              "dev.assetgrid.coordinator.events..")
          .because(
              "the store takes what it needs (a planner, an event publisher) as its own or shared types");

  @ArchTest
  static final ArchRule noPackageCycles =
      slices().matching("dev.assetgrid.coordinator.(**)").should().beFreeOfCycles();

  @ArchTest
  static final ArchRule noSqlInHttp =
      noClasses()
          .that()
          .resideInAPackage("dev.assetgrid.coordinator.http..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("io.vertx.sqlclient..")
          .because("resources call schedule and store methods, never SQL");

  @ArchTest
  static final ArchRule jdbcOnlyInTheStore =
      noClasses()
          .that()
          .resideOutsideOfPackage("dev.assetgrid.coordinator.store..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("java.sql..")
          .because(
              "the backup's snapshot (BackupSnapshot) and the migrations use JDBC, and they are SQL"
                  + " like the rest: in store/");

  @ArchTest
  static final ArchRule onlyTheStoreAndTheWiringHoldConnections =
      noClasses()
          .that()
          .resideOutsideOfPackage("dev.assetgrid.coordinator.store..")
          .and()
          .doNotHaveFullyQualifiedName(Coordinator.class.getName())
          .should()
          .dependOnClassesThat()
          .areAssignableTo(Pool.class)
          .orShould()
          .dependOnClassesThat()
          .areAssignableTo(SqlConnection.class)
          .because(
              "all SQL lives in store/; Coordinator only builds the pools and hands them over");
}
