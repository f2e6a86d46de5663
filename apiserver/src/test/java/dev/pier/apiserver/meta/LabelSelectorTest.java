package dev.pier.apiserver.meta;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.errors.ApiException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LabelSelectorTest {
    private static ObjectNode labels(String... kv) {
        ObjectNode o = Json.object();
        for (int i = 0; i < kv.length; i += 2) o.put(kv[i], kv[i + 1]);
        return o;
    }

    @Test
    void equalityOperators() {
        ObjectNode web = labels("app", "web", "tier", "front");
        assertThat(LabelSelector.parse("app=web").matches(web)).isTrue();
        assertThat(LabelSelector.parse("app==web").matches(web)).isTrue();
        assertThat(LabelSelector.parse("app!=web").matches(web)).isFalse();
        assertThat(LabelSelector.parse("app!=db").matches(web)).isTrue();
        assertThat(LabelSelector.parse("app=web,tier=back").matches(web)).isFalse();
        assertThat(LabelSelector.parse(" app = web , tier = front ").matches(web)).isTrue();
    }

    @Test
    void setOperatorsAndExistence() {
        ObjectNode web = labels("app", "web", "example.com/team", "a");
        assertThat(LabelSelector.parse("app in (db, web)").matches(web)).isTrue();
        assertThat(LabelSelector.parse("app notin (db,web)").matches(web)).isFalse();
        assertThat(LabelSelector.parse("tier notin (x)").matches(web)).isTrue(); // missing key satisfies notin
        assertThat(LabelSelector.parse("example.com/team").matches(web)).isTrue();
        assertThat(LabelSelector.parse("!example.com/team").matches(web)).isFalse();
        assertThat(LabelSelector.parse("!tier").matches(web)).isTrue();
        assertThat(LabelSelector.parse("app=web").matches(Json.object().path("labels"))).isFalse();
    }

    @Test
    void emptySelectsEverything() {
        assertThat(LabelSelector.parse("").isEverything()).isTrue();
        assertThat(LabelSelector.parse(null).matches(null)).isTrue();
    }

    @Test
    void malformedSelectorIsBadRequest() {
        for (String bad : new String[]{"app in ()", "app in (a", "=x", "app=web,", "app >< x"}) {
            assertThatThrownBy(() -> LabelSelector.parse(bad)).as(bad)
                    .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(400));
        }
    }
}
