package dev.assetgrid.coordinator.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class EgressTest {
  /** A literal address (no lookup). */
  static InetAddress ip(String s) {
    try {
      return InetAddress.getByName(s);
    } catch (java.net.UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }

  @Test
  void rangesContainWhatTheySay() throws Exception {
    Cidr c = Cidr.parse("10.1.0.0/16");
    assertThat(c.contains(ip("10.1.255.3"))).isTrue();
    assertThat(c.contains(ip("10.2.0.1"))).isFalse();
    assertThat(Cidr.parse("10.1.2.3/8").toString()).isEqualTo("10.0.0.0/8");
    assertThat(Cidr.parse("fd00::/8").contains(ip("fd12::1"))).isTrue();
    assertThat(Cidr.parse("fd00::/8").contains(ip("10.0.0.1"))).isFalse();
    assertThat(Cidr.parse("127.0.0.1").contains(ip("127.0.0.2"))).isFalse();
    for (String bad : List.of("", "10.0.0.0/33", "example.com/8", "10.0.0/8", "::1/129")) {
      assertThatThrownBy(() -> Cidr.parse(bad)).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void internalAddressesAreRefusedUnlessTheirRangeIsAllowed() throws Exception {
    Egress strict = new Egress(false, List.of());
    for (String s :
        List.of(
            "127.0.0.1",
            "10.3.4.5",
            "172.20.0.1",
            "192.168.0.10",
            "169.254.169.254",
            "100.64.1.1",
            "0.0.0.0",
            "::1",
            "fe80::1",
            "fd00::5",
            "::ffff:127.0.0.1",
            "224.0.0.1")) {
      assertThat(strict.permits(ip(s))).as(s).isFalse();
    }
    assertThat(strict.permits(ip("93.184.215.14"))).isTrue();
    assertThat(strict.permits(ip("2606:4700::1111"))).isTrue();
    Egress lab = new Egress(true, List.of(Cidr.parse("10.9.0.0/16")));
    assertThat(lab.permits(ip("10.9.1.1"))).isTrue();
    assertThat(lab.permits(ip("10.8.1.1"))).isFalse();
  }

  @Test
  void urlsAreCheckedForTheirForm() {
    Egress strict = new Egress(false, List.of());
    assertThat(strict.check("https://hooks.example.com/in?x=1").port()).isEqualTo(443);
    for (String bad :
        List.of(
            "http://hooks.example.com/",
            "ftp://hooks.example.com/",
            "https://user:pw@hooks.example.com/",
            "https://hooks.example.com/#frag",
            "https:///nohost",
            "https://127.0.0.1/",
            "https://[::1]/",
            "not a url",
            "https://" + "a".repeat(3000) + ".com/")) {
      assertThatThrownBy(() -> strict.check(bad))
          .as(bad)
          .isInstanceOfSatisfying(
              AssetGridException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.URL_NOT_ALLOWED));
    }
  }

  @Test
  void aNameThatResolvesInsideIsRefusedEveryTimeItIsResolved() throws Exception {
    // DNS rebinding: public when registered, loopback when the delivery connects
    AtomicInteger calls = new AtomicInteger();
    Egress e =
        new Egress(
            false,
            List.of(),
            host ->
                calls.getAndIncrement() == 0
                    ? new InetAddress[] {ip("93.184.215.14")}
                    : new InetAddress[] {ip("127.0.0.1")});
    Egress.Target t = e.check("https://rebind.example/hook");
    assertThat(e.resolve(t)).isEqualTo(ip("93.184.215.14"));
    assertThatThrownBy(() -> e.resolve(t))
        .isInstanceOf(AssetGridException.class)
        .hasMessageContaining("127.0.0.1")
        .hasMessageContaining("--webhook-allow-cidr");
    // a name with one internal address among public ones is refused as a whole
    Egress mixed =
        new Egress(
            false, List.of(), host -> new InetAddress[] {ip("93.184.215.14"), ip("10.0.0.1")});
    assertThatThrownBy(() -> mixed.resolve(mixed.check("https://mixed.example/")))
        .isInstanceOf(AssetGridException.class);
  }
}
