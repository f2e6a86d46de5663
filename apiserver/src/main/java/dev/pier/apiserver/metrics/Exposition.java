package dev.pier.apiserver.metrics;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.StateSetSnapshot;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import io.prometheus.metrics.model.snapshots.UnknownSnapshot;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Renders a registry in Prometheus' text format, whole or narrowed to one cell. Narrowing keeps only the data
 * points whose {@value Metrics#CELL} label is that cell; a family with none left, or without the label at all
 * (JVM, process, shared machinery), is left out entirely, so one tenant's scrape says nothing about another.
 */
public final class Exposition {
    /** {@code text/plain; version=0.0.4; charset=utf-8}: what Prometheus and kube-apiserver speak. */
    public static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;
    private static final PrometheusTextFormatWriter WRITER = PrometheusTextFormatWriter.builder().build();

    private Exposition() {
    }

    /** Every series: the management cluster admins' view. */
    public static byte[] all(PrometheusRegistry registry) {
        return write(registry.scrape());
    }

    /** Only the series of {@code cell}: what that cell's own users may see. */
    public static byte[] ofCell(PrometheusRegistry registry, String cell) {
        Objects.requireNonNull(cell, "cell");
        if (cell.isEmpty()) throw new IllegalArgumentException("a cell's name cannot be empty");
        MetricSnapshots.Builder kept = MetricSnapshots.builder();
        for (MetricSnapshot s : registry.scrape()) {
            MetricSnapshot narrowed = narrow(s, cell);
            if (narrowed != null) kept.metricSnapshot(narrowed);
        }
        return write(kept.build());
    }

    /** The snapshot with only {@code cell}'s data points, or null when none are left. */
    static MetricSnapshot narrow(MetricSnapshot s, String cell) {
        return switch (s) {
            case CounterSnapshot c -> nonEmpty(keep(c.getDataPoints(), cell), points -> new CounterSnapshot(c.getMetadata(), points));
            case GaugeSnapshot g -> nonEmpty(keep(g.getDataPoints(), cell), points -> new GaugeSnapshot(g.getMetadata(), points));
            case HistogramSnapshot h -> nonEmpty(keep(h.getDataPoints(), cell),
                    points -> new HistogramSnapshot(h.isGaugeHistogram(), h.getMetadata(), points));
            case SummarySnapshot m -> nonEmpty(keep(m.getDataPoints(), cell), points -> new SummarySnapshot(m.getMetadata(), points));
            case InfoSnapshot i -> nonEmpty(keep(i.getDataPoints(), cell), points -> new InfoSnapshot(i.getMetadata(), points));
            case StateSetSnapshot t -> nonEmpty(keep(t.getDataPoints(), cell), points -> new StateSetSnapshot(t.getMetadata(), points));
            case UnknownSnapshot u -> nonEmpty(keep(u.getDataPoints(), cell), points -> new UnknownSnapshot(u.getMetadata(), points));
            // a kind of snapshot this code does not know: shown to nobody but the admins
            default -> null;
        };
    }

    private static <P extends DataPointSnapshot> List<P> keep(List<P> points, String cell) {
        List<P> kept = new ArrayList<>();
        for (P p : points) {
            if (cell.equals(p.getLabels().get(Metrics.CELL))) kept.add(p);
        }
        return kept;
    }

    private static <P> MetricSnapshot nonEmpty(List<P> points, java.util.function.Function<List<P>, MetricSnapshot> make) {
        return points.isEmpty() ? null : make.apply(points);
    }

    private static byte[] write(MetricSnapshots snapshots) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
        try {
            WRITER.write(out, snapshots);
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return out.toByteArray();
    }
}
