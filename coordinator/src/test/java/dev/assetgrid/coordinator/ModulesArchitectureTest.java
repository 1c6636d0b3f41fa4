package dev.assetgrid.coordinator;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The rules between the modules (DESIGN.md, "dependencies run one way"), checked where every
 * module's classes are on the class path: coordinator → node → shared, never back; the shared
 * contracts know no part; no package cycles anywhere in the tree. Each module's own shape has its
 * own test ({@code ArchitectureTest} here and in the node).
 */
@AnalyzeClasses(
    packages = "dev.assetgrid",
    importOptions = {
      ImportOption.DoNotIncludeTests.class,
      ModulesArchitectureTest.NoTestJars.class
    })
class ModulesArchitectureTest {
  /**
   * Leaves out the node's test jar: in {@code mvn verify} the node's test classes reach this module
   * as {@code assetgrid-node-*-tests.jar}, which {@link ImportOption.DoNotIncludeTests} (it knows
   * test-class folders) does not recognise.
   */
  static final class NoTestJars implements ImportOption {
    @Override
    public boolean includes(com.tngtech.archunit.core.importer.Location location) {
      return !location.contains("-tests.jar");
    }
  }

  @ArchTest
  static final ArchRule nodeNeverUsesTheCoordinator =
      noClasses()
          .that()
          .resideInAPackage("dev.assetgrid.node..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("dev.assetgrid.coordinator..")
          .because(
              "a node talks to coordinators over the event bus only; the coordinator hosts node slots, not the reverse");

  @ArchTest
  static final ArchRule sharedKnowsNoPart =
      noClasses()
          .that()
          .resideInAPackage("dev.assetgrid.shared..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "dev.assetgrid.node..", "dev.assetgrid.coordinator..", "dev.assetgrid.bench..")
          .because("shared holds the contracts every part builds on");

  @ArchTest
  static final ArchRule sharedStageContractsAreBelowThePipeline =
      noClasses()
          .that()
          .resideInAPackage("dev.assetgrid.shared.stage..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "dev.assetgrid.shared.pipeline..", "dev.assetgrid.shared.protocol..", "io.vertx..")
          .because(
              "a stage's params contract is plain Jackson: the planner, the wire and the stages all read it");

  @ArchTest
  static final ArchRule noPackageCyclesAnywhere =
      slices().matching("dev.assetgrid.(**)").should().beFreeOfCycles();
}
