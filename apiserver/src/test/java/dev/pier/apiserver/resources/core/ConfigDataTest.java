package dev.pier.apiserver.resources.core;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.errors.ApiException;
import dev.pier.apiserver.resources.Harness;
import org.junit.jupiter.api.Test;

import static dev.pier.apiserver.resources.Harness.createErrors;
import static dev.pier.apiserver.resources.Harness.created;
import static dev.pier.apiserver.resources.Harness.row;
import static dev.pier.apiserver.resources.Harness.updateErrors;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigDataTest {
    private final ConfigMapStrategy configMaps = new ConfigMapStrategy();
    private final SecretStrategy secrets = new SecretStrategy();

    @Test
    void configMapKeys() {
        assertThat(createErrors(configMaps, "data: {ok.key: a, 'bad key': b, dup: c}\nbinaryData: {dup: YQ==}")).containsExactly(
                "data[bad key]: Invalid value: \"bad key\": a valid config key must consist of alphanumeric characters, '-', '_' "
                        + "or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
                "data[dup]: Invalid value: \"dup\": duplicate of key present in binaryData",
                "binaryData[dup]: Invalid value: \"dup\": duplicate of key present in data");
        ObjectNode big = created(configMaps, "data: {}");
        big.withObject("/data").put("big", "x".repeat(1024 * 1024 + 1));
        assertThat(Harness.render(configMaps.validate(big))).containsExactly(": Too long: must have at most 1048576 bytes");
        assertThat(row(configMaps.table(), created(configMaps, "data: {a: '1', b: '2'}\nbinaryData: {c: YQ==}"))).containsEntry("Data", "3");
    }

    @Test
    void immutableConfigMapsStayAsTheyAre() {
        ObjectNode old = created(configMaps, "immutable: true\ndata: {a: '1'}");
        ObjectNode changed = old.deepCopy();
        changed.withObject("/data").put("a", "2");
        changed.put("immutable", false);
        assertThat(updateErrors(configMaps, old, changed)).containsExactly(
                "immutable: Forbidden: field is immutable when `immutable` is set",
                "data: Forbidden: field is immutable when `immutable` is set");
        ObjectNode labelled = old.deepCopy();
        labelled.withObject("/metadata/labels").put("k", "v");
        assertThat(updateErrors(configMaps, old, labelled)).isEmpty();
    }

    @Test
    void secretsFoldStringDataAndCheckBase64() {
        ObjectNode s = created(secrets, "data: {a: YQ==}\nstringData: {b: hello}");
        assertThat(s.path("type").asText()).isEqualTo("Opaque");
        assertThat(s.has("stringData")).isFalse();
        assertThat(s.path("data").path("b").asText()).isEqualTo("aGVsbG8=");
        assertThat(row(secrets.table(), s)).containsEntry("Type", "Opaque").containsEntry("Data", "2");
        assertThatThrownBy(() -> created(secrets, "data: {a: abc}")).isInstanceOf(ApiException.class)
                .hasMessage("Secret in version \"v1\" cannot be handled as a Secret: illegal base64 data at input byte 0");
        assertThatThrownBy(() -> created(secrets, "data: {a: 'YWJj*A=='}"))
                .hasMessageEndingWith("illegal base64 data at input byte 4");
        assertThat(Base64Data.firstError("YWJj\nZGVm")).isEqualTo(-1);
        assertThat(Base64Data.firstError("YQ=")).isEqualTo(3);
        assertThat(Base64Data.firstError("YQ==YQ==")).isEqualTo(4);
    }

    @Test
    void secretTypes() {
        assertThat(createErrors(secrets, "type: kubernetes.io/tls\ndata: {tls.crt: YQ==}")).containsExactly("data[tls.key]: Required value");
        assertThat(createErrors(secrets, "type: kubernetes.io/service-account-token"))
                .containsExactly("metadata.annotations[kubernetes.io/service-account.name]: Required value");
        ObjectNode old = created(secrets, "type: Opaque");
        ObjectNode retyped = old.deepCopy().put("type", "example.com/other");
        assertThat(updateErrors(secrets, old, retyped)).containsExactly("type: Invalid value: \"example.com/other\": field is immutable");
    }
}
