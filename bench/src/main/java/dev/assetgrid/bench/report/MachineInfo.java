package dev.assetgrid.bench.report;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/** The machine a run was measured on. */
public record MachineInfo(
    String host,
    int cores,
    long ramBytes,
    String cpu,
    String os,
    String osVersion,
    String arch,
    String jvm,
    String jvmVendor) {

  public static MachineInfo current() {
    long ram = -1;
    String cpu = "unknown";
    try {
      for (String l : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (l.startsWith("MemTotal:")) {
          ram = Long.parseLong(l.replaceAll("\\D", "")) * 1024;
        }
      }
      for (String l : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (l.startsWith("model name")) {
          cpu = l.substring(l.indexOf(':') + 1).trim();
          break;
        }
      }
    } catch (IOException | RuntimeException e) {
      if (ManagementFactory.getOperatingSystemMXBean()
          instanceof com.sun.management.OperatingSystemMXBean os) {
        ram = os.getTotalMemorySize();
      }
    }
    String host;
    try {
      host = java.net.InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      host = "unknown";
    }
    return new MachineInfo(
        host,
        Runtime.getRuntime().availableProcessors(),
        ram,
        cpu,
        System.getProperty("os.name"),
        System.getProperty("os.version"),
        System.getProperty("os.arch"),
        System.getProperty("java.version"),
        System.getProperty("java.vendor"));
  }
}
