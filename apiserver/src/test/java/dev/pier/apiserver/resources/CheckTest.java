package dev.pier.apiserver.resources;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.errors.FieldError;
import dev.pier.apiserver.errors.FieldPath;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CheckTest {

    @Test
    void namesAndKeys() {
        assertThat(Formats.dns1123Label("web-1")).isEmpty();
        assertThat(Formats.dns1123Label("Web")).singleElement().asString()
                .startsWith("a lowercase RFC 1123 label must consist of").contains("(e.g. 'my-name',  or '123-abc', regex used");
        assertThat(Formats.portName("http")).isEmpty();
        assertThat(Formats.portName("80")).containsExactly("must contain at least one letter (a-z)");
        assertThat(Formats.portName("a--b")).containsExactly("must not contain consecutive hyphens");
        assertThat(Formats.qualifiedName("example.com/name")).isEmpty();
        assertThat(Formats.qualifiedName("a/b/c")).singleElement().asString().startsWith("a qualified name must consist of");
        assertThat(Formats.configKey("..x")).containsExactly("must not start with '..'");
        assertThat(Formats.configKey("a b")).singleElement().asString()
                .isEqualTo("a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  "
                        + "or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')");
    }

    @Test
    void intOrPercent() {
        List<FieldError> errs = new ArrayList<>();
        ObjectNode o = Harness.yaml("{a: 25%, b: 150%, c: -1, d: x}");
        for (String f : List.of("a", "b", "c", "d")) Check.intOrPercent(errs, o.get(f), FieldPath.root(f), true);
        assertThat(Harness.render(errs)).containsExactly(
                "b: Invalid value: \"150%\": must not be greater than 100%",
                "c: Invalid value: -1: must be greater than or equal to 0",
                "d: Invalid value: \"x\": a valid percent string must be a numeric string followed by an ending '%' "
                        + "(e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')");
    }

    @Test
    void selectorsMatchAndPrint() {
        ObjectNode sel = Harness.yaml("""
                matchLabels: {app: web, tier: fe}
                matchExpressions:
                - {key: env, operator: In, values: [prod, dev]}
                - {key: legacy, operator: DoesNotExist}
                """);
        assertThat(LabelSelectors.format(sel)).isEqualTo("app=web,env in (dev,prod),!legacy,tier=fe");
        assertThat(LabelSelectors.matches(sel, Harness.yaml("{app: web, tier: fe, env: dev}"))).isTrue();
        assertThat(LabelSelectors.matches(sel, Harness.yaml("{app: web, tier: fe, env: qa}"))).isFalse();
        assertThat(LabelSelectors.matches(sel, Harness.yaml("{app: web, tier: fe, env: dev, legacy: x}"))).isFalse();
        assertThat(LabelSelectors.formatLabels(Harness.yaml("{b: '2', a: '1'}"))).isEqualTo("a=1,b=2");
        assertThat(LabelSelectors.formatLabels(null)).isEqualTo("<none>");

        List<FieldError> errs = new ArrayList<>();
        LabelSelectors.validate(errs, Harness.yaml("matchExpressions: [{key: k, operator: In}, {key: k, operator: Exists, values: [a]}, {key: k, operator: Near}]"),
                FieldPath.root("spec").child("selector"));
        assertThat(Harness.render(errs)).containsExactly(
                "spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
                "spec.selector.matchExpressions[1].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
                "spec.selector.matchExpressions[2].operator: Invalid value: \"Near\": not a valid selector operator");
    }
}
