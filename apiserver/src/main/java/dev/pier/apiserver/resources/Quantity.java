package dev.pier.apiserver.resources;

import com.fasterxml.jackson.databind.JsonNode;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.Map;

/**
 * A Kubernetes resource quantity ({@code 500m}, {@code 128Mi}, {@code 1Gi}, {@code 1e3}): parsed the way
 * Kubernetes' resource.Quantity parses, compared exactly, and printed in canonical form (what Kubernetes
 * stores and shows: {@code 1024Mi} reads back as {@code 1Gi}, {@code 0.5} as {@code 500m}).
 * Values are kept exactly, rounded up (away from zero) to nano units as Kubernetes does, so a tiny
 * request never becomes nothing.
 */
public final class Quantity implements Comparable<Quantity> {
    /** The expression Kubernetes quotes in its error for a malformed quantity. */
    public static final String FORMAT_ERROR =
            "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
    public static final Quantity ZERO = new Quantity(BigDecimal.ZERO, Format.DECIMAL_SI);

    /** How a quantity was written, which decides how it is printed back. */
    public enum Format { DECIMAL_EXPONENT, BINARY_SI, DECIMAL_SI }

    private static final Map<String, Integer> DECIMAL_SUFFIXES = Map.of(
            "n", -9, "u", -6, "m", -3, "", 0, "k", 3, "M", 6, "G", 9, "T", 12, "P", 15, "E", 18);
    private static final Map<String, Integer> BINARY_SUFFIXES = Map.of(
            "Ki", 10, "Mi", 20, "Gi", 30, "Ti", 40, "Pi", 50, "Ei", 60);
    private static final String[] DECIMAL_BY_EXPONENT = {"n", "u", "m", "", "k", "M", "G", "T", "P", "E"};
    private static final String[] BINARY_BY_POWER = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
    private static final BigDecimal K1024 = BigDecimal.valueOf(1024);

    private final BigDecimal value;
    private final Format format;

    private Quantity(BigDecimal value, Format format) {
        this.value = value;
        this.format = format;
    }

    /** Parses a quantity; an {@link IllegalArgumentException} carries Kubernetes' message when it is malformed. */
    public static Quantity parse(String text) {
        if (text == null || text.isEmpty()) throw new IllegalArgumentException(FORMAT_ERROR);
        int pos = 0;
        int end = text.length();
        if (text.charAt(0) == '-' || text.charAt(0) == '+') pos++;
        int digits = 0;
        while (pos < end && isDigit(text.charAt(pos))) {
            pos++;
            digits++;
        }
        if (pos < end && text.charAt(pos) == '.') {
            pos++;
            while (pos < end && isDigit(text.charAt(pos))) {
                pos++;
                digits++;
            }
        }
        String number = text.substring(0, pos);
        String suffix = text.substring(pos);
        // The suffix is letters from a fixed set, then an optionally signed integer (the exponent of 1e3).
        int s = 0;
        while (s < suffix.length() && "eEinumkKMGTP".indexOf(suffix.charAt(s)) >= 0) s++;
        if (s < suffix.length() && (suffix.charAt(s) == '+' || suffix.charAt(s) == '-')) s++;
        while (s < suffix.length() && isDigit(suffix.charAt(s))) s++;
        if (s < suffix.length()) throw new IllegalArgumentException(FORMAT_ERROR);

        // As Kubernetes: the suffix is interpreted before the number is.
        Format format;
        int exponent;
        if (DECIMAL_SUFFIXES.containsKey(suffix)) {
            format = Format.DECIMAL_SI;
            exponent = DECIMAL_SUFFIXES.get(suffix);
        } else if (BINARY_SUFFIXES.containsKey(suffix)) {
            format = Format.BINARY_SI;
            exponent = BINARY_SUFFIXES.get(suffix);
        } else if (suffix.length() > 1 && (suffix.charAt(0) == 'e' || suffix.charAt(0) == 'E')) {
            try {
                exponent = Integer.parseInt(suffix.substring(1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("unable to parse quantity's suffix");
            }
            if (Math.abs(exponent) > 1000) throw new IllegalArgumentException("unable to parse quantity's suffix");
            format = Format.DECIMAL_EXPONENT;
        } else {
            throw new IllegalArgumentException("unable to parse quantity's suffix");
        }
        if (digits == 0) throw new IllegalArgumentException("unable to parse numeric part of quantity");

        String plain = number.replace("+", "");
        if (plain.endsWith(".")) plain = plain + "0";
        plain = plain.replace("-.", "-0.");
        if (plain.startsWith(".")) plain = "0" + plain;
        BigDecimal amount = new BigDecimal(plain);
        amount = format == Format.BINARY_SI
                ? amount.multiply(new BigDecimal(BigInteger.ONE.shiftLeft(exponent)))
                : amount.scaleByPowerOfTen(exponent);
        // Kubernetes keeps nano precision and rounds away from zero, so "some" never becomes "none".
        if (amount.scale() > 9) amount = amount.setScale(9, RoundingMode.UP);
        if (format == Format.BINARY_SI && amount.abs().compareTo(BigDecimal.ONE) < 0 && amount.signum() != 0) {
            format = Format.DECIMAL_SI;
        }
        return new Quantity(amount, format);
    }

    /** Reads a quantity from JSON: a string, or a number (Kubernetes accepts both). */
    public static Quantity of(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) throw new IllegalArgumentException(FORMAT_ERROR);
        if (node.isNumber()) return parse(node.decimalValue().toPlainString());
        if (!node.isTextual()) throw new IllegalArgumentException(FORMAT_ERROR);
        return parse(node.asText().trim());
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    public BigDecimal value() {
        return value;
    }

    public Format format() {
        return format;
    }

    public int signum() {
        return value.signum();
    }

    public boolean isInteger() {
        return value.signum() == 0 || value.stripTrailingZeros().scale() <= 0;
    }

    public Quantity plus(Quantity other) {
        return new Quantity(value.add(other.value), format);
    }

    @Override
    public int compareTo(Quantity o) {
        return value.compareTo(o.value);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Quantity q && q.value.compareTo(value) == 0;
    }

    @Override
    public int hashCode() {
        return value.stripTrailingZeros().hashCode();
    }

    /** The canonical form: no fraction, the largest suffix (or exponent) that loses nothing. */
    @Override
    public String toString() {
        if (value.signum() == 0) return "0";
        Format f = format;
        if (f == Format.BINARY_SI && (value.abs().compareTo(K1024) < 0 || !isInteger())) f = Format.DECIMAL_SI;
        if (f == Format.BINARY_SI) {
            BigInteger amount = value.toBigIntegerExact();
            int power = 0;
            BigInteger k = BigInteger.valueOf(1024);
            while (power < 6 && amount.mod(k).signum() == 0) {
                amount = amount.divide(k);
                power++;
            }
            return amount + BINARY_BY_POWER[power];
        }
        // Move every factor of ten into the exponent, then step down to a multiple of three.
        BigDecimal stripped = value.stripTrailingZeros();
        BigInteger mantissa = stripped.unscaledValue();
        int exponent = -stripped.scale();
        while (Math.floorMod(exponent, 3) != 0) {
            mantissa = mantissa.multiply(BigInteger.TEN);
            exponent--;
        }
        if (f == Format.DECIMAL_EXPONENT) return exponent == 0 ? mantissa.toString() : mantissa + "e" + exponent;
        while (exponent > 18) {
            mantissa = mantissa.multiply(BigInteger.valueOf(1000));
            exponent -= 3;
        }
        return mantissa + DECIMAL_BY_EXPONENT[exponent / 3 + 3];
    }
}
