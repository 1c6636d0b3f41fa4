package dev.assetgrid.node;

public final class NodeMain {
  public static void main(String[] args) {}
}
