package dev.assetgrid.node;

import org.junit.jupiter.api.Test;

class NodeMainTest {
  @Test
  void everyNodeFlagHasItsEnvironmentVariable() {
    EnvFlags.everyFlagHasItsVariable(NodeMain.class, 6);
    EnvFlags.everyFlagHasItsVariable(LogFormatOption.class, 1);
  }
}
