package dev.assetgrid.node;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaMethod;
import com.tngtech.archunit.core.domain.JavaType;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import dev.assetgrid.node.processing.Ports;
import dev.assetgrid.node.processing.convert.SceneImporter;
import dev.assetgrid.node.processing.gltf.MeshoptDecoder;
import dev.assetgrid.node.processing.image.ImageDecoder;
import dev.assetgrid.node.processing.optimize.MeshOptimizer;
import dev.assetgrid.node.processing.texture.TextureEncoder;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The package rules of STYLE.md §3, §5 and §21 over the node's main classes (tests may use
 * anything): stages are plain Java, native code is reached only through the ports the stages
 * declare, and the packages form no cycle.
 */
@AnalyzeClasses(
    packages = "dev.assetgrid.node",
    importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
  private static final String PROCESSING = "dev.assetgrid.node.processing";

  /**
   * The ports: the interfaces the stages declare and {@code natives} implements, and the record
   * that carries them from where they are built to the stages. A new port is added here.
   */
  static final List<Class<?>> PORTS =
      List.of(
          MeshOptimizer.class,
          MeshoptDecoder.class,
          SceneImporter.class,
          ImageDecoder.class,
          TextureEncoder.class,
          Ports.class);

  @ArchTest
  static final ArchRule processingIsPlainJava =
      noClasses()
          .that()
          .resideInAPackage(PROCESSING + "..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("io.vertx..", "org.lwjgl..")
          .because(
              "stages are plain Java over the asset model: no Vert.x types, no native code (STYLE.md §3, §5)");

  @ArchTest
  static final ArchRule processingNamesNoAdapter =
      noClasses()
          .that()
          .resideInAPackage(PROCESSING + "..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "dev.assetgrid.node.natives..",
              "dev.assetgrid.node.worker..",
              "dev.assetgrid.node.cli..")
          .because(
              "stages receive their natives as ports; the worker shell and the CLI call the stages, never the reverse");

  @ArchTest
  static final ArchRule nativesOnlyBehindPorts =
      classes()
          .that()
          .resideInAPackage("dev.assetgrid.node.natives..")
          .should()
          .onlyDependOnClassesThat(
              resideOutsideOfPackage("dev.assetgrid.node..")
                  .or(resideInAPackage("dev.assetgrid.node.natives.."))
                  .or(new PortType()))
          .because(
              "natives implement the ports the stages declare and know nothing else of the node (STYLE.md §5)");

  @ArchTest
  static final ArchRule noPackageCycles =
      slices()
          .matching("dev.assetgrid.node.(**)")
          .should()
          .beFreeOfCycles()
          .because(
              "dependencies run one way: worker and cli use natives and processing, natives only processing's ports");

  /**
   * What natives may use of the node: a port ({@link #PORTS}), a type that a port's methods take or
   * return (generic arguments included, e.g. the {@code Level} of {@code List<Level>}), or a type
   * nested in one of those (the records of {@code SourceScene}). Nothing else of a stage.
   */
  static final class PortType extends DescribedPredicate<JavaClass> {
    private static final Set<String> ALLOWED = allowed();

    PortType() {
      super(
          "a port of processing (ArchitectureTest.PORTS), a type its methods take or return, or a type nested in one");
    }

    @Override
    public boolean test(JavaClass c) {
      for (JavaClass k = c; k != null; k = k.getEnclosingClass().orElse(null)) {
        if (ALLOWED.contains(k.getName())) {
          return true;
        }
      }
      return false;
    }

    private static Set<String> allowed() {
      Set<String> out = new HashSet<>();
      for (JavaClass port : new ClassFileImporter().importClasses(PORTS)) {
        out.add(port.getName());
        for (JavaMethod m : port.getMethods()) {
          for (JavaType t : m.getParameterTypes()) {
            t.getAllInvolvedRawTypes().forEach(r -> out.add(r.getName()));
          }
          m.getReturnType().getAllInvolvedRawTypes().forEach(r -> out.add(r.getName()));
        }
      }
      out.removeIf(name -> !name.startsWith(PROCESSING + "."));
      return Set.copyOf(out);
    }
  }
}
