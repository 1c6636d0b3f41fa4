package dev.assetgrid.coordinator;

public final class CoordinatorMain {
  public static void main(String[] args) {}
}
