package dev.pier.apiserver.resources;

import com.fasterxml.jackson.databind.node.IntNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class QuantityTest {

    @ParameterizedTest
    @CsvSource({
            "500m, 500m", "0.5, 500m", "1, 1", "1000, 1k", "1500, 1500", "1.5k, 1500",
            "128Mi, 128Mi", "1024Mi, 1Gi", "1.5Gi, 1536Mi", "0.5Ki, 512", "1Ki, 1Ki", "2048, 2048",
            "1e3, 1e3", "1E3, 1e3", "1.5e3, 1500", "100e-3, 100e-3", "1G, 1G", "1000M, 1G", "0, 0", "0Gi, 0",
            "-1, -1", "+5, 5", "1n, 1n", "0.0000000001, 1n", "10E, 10E", "3., 3", ".5, 500m", "1000000m, 1k"
    })
    void canonicalForm(String written, String canonical) {
        assertThat(Quantity.parse(written).toString()).isEqualTo(canonical);
    }

    @Test
    void valuesCompareExactly() {
        assertThat(Quantity.parse("1Gi").value()).isEqualByComparingTo(new BigDecimal(1L << 30));
        assertThat(Quantity.parse("500m")).isLessThan(Quantity.parse("1"));
        assertThat(Quantity.parse("1k")).isEqualTo(Quantity.parse("1000"));
        assertThat(Quantity.parse("1Ki")).isGreaterThan(Quantity.parse("1k"));
        assertThat(Quantity.of(IntNode.valueOf(2)).toString()).isEqualTo("2");
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "1.2.3", "1 Gi", " 1", "1x", "1Gb"})
    void malformedQuantitiesQuoteTheExpression(String text) {
        assertThatThrownBy(() -> Quantity.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage(Quantity.FORMAT_ERROR);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1K", "1e", "1ki", "--1"})
    void unknownSuffixes(String text) {
        assertThatThrownBy(() -> Quantity.parse(text)).hasMessage("unable to parse quantity's suffix");
    }

    @Test
    void emptyAndSignOnlyAreRejected() {
        assertThatThrownBy(() -> Quantity.parse("")).hasMessage(Quantity.FORMAT_ERROR);
        assertThatThrownBy(() -> Quantity.parse("Gi")).hasMessage("unable to parse numeric part of quantity");
    }
}
