package dev.pier.cloud.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.cloud.loadbalancer.LoadBalancerOptions;
import dev.pier.cloud.loadbalancer.LoadBalancerOptions.Balance;
import dev.pier.cloud.loadbalancer.LoadBalancerOptions.HealthCheck;
import dev.pier.cloud.loadbalancer.LoadBalancerOptions.Persistence;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class LoadBalancerAnnotationsTest {
  private static final String P = LoadBalancerAnnotations.PREFIX;

  @Test
  void noAnnotationsAreTheDefaults() {
    var parsed = LoadBalancerAnnotations.parse(Map.of("other.example.com/x", "y"));
    assertThat(parsed.problems()).isEmpty();
    assertThat(parsed.options()).isEqualTo(LoadBalancerOptions.DEFAULTS);
  }

  @Test
  void everyAnnotationIsRead() {
    var parsed = LoadBalancerAnnotations.parse(Map.of(P + "lb-method", "SOURCE_IP", P + "session-persistence", "SOURCE_IP",
        P + "healthmonitor-type", "HTTP", P + "healthmonitor-delay", "10", P + "healthmonitor-timeout", "4",
        P + "healthmonitor-max-retries", "5", P + "connection-limit", "2000", P + "keepalive-timeout", "120", P + "proxy-protocol", "true"));
    assertThat(parsed.problems()).isEmpty();
    assertThat(parsed.options()).isEqualTo(new LoadBalancerOptions(Balance.SOURCE_IP, Persistence.SOURCE_IP,
        new HealthCheck(HealthCheck.Type.HTTP, Duration.ofSeconds(10), Duration.ofSeconds(4), 5), OptionalInt.of(2000),
        Duration.ofSeconds(120), true));
    assertThat(LoadBalancerAnnotations.parse(Map.of(P + "connection-limit", "-1")).options().connectionLimit()).isEmpty();
  }

  @Test
  void badValuesNameTheAnnotationAndWhatItAllows() {
    var parsed = LoadBalancerAnnotations.parse(Map.of(P + "lb-method", "round_robin", P + "healthmonitor-delay", "0",
        P + "proxy-protocol", "yes", P + "conection-limit", "5"));
    assertThat(parsed.problems()).extracting(LoadBalancerAnnotations.Problem::annotation)
        .containsExactlyInAnyOrder(P + "lb-method", P + "healthmonitor-delay", P + "proxy-protocol", P + "conection-limit");
    assertThat(parsed.problems()).extracting(LoadBalancerAnnotations.Problem::message).anySatisfy(m ->
        assertThat(m).contains(P + "lb-method", "\"round_robin\"", "LEAST_CONNECTIONS, ROUND_ROBIN, SOURCE_IP"));
    assertThat(parsed.problems()).extracting(LoadBalancerAnnotations.Problem::message).anySatisfy(m ->
        assertThat(m).contains(P + "healthmonitor-delay", "integers 1 to 3600"));
    assertThat(parsed.problems()).extracting(LoadBalancerAnnotations.Problem::message).anySatisfy(m ->
        assertThat(m).contains(P + "proxy-protocol", "false, true"));
    assertThat(parsed.problems()).extracting(LoadBalancerAnnotations.Problem::message).anySatisfy(m ->
        assertThat(m).contains(P + "conection-limit", "not a Pier load balancer annotation", P + "connection-limit"));
  }
}
