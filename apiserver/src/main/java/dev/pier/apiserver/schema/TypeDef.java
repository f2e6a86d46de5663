package dev.pier.apiserver.schema;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A named type of the Kubernetes API, such as {@code io.k8s.api.apps.v1.DeploymentSpec}: an object with
 * known properties, a free-form object (RawExtension, FieldsV1), or one of the special scalars (Time,
 * MicroTime, IntOrString, Quantity). Types reference each other through {@link Shape.Ref}, possibly in cycles,
 * so equality is identity. Immutable once the {@link SchemaCatalog} publishes it.
 */
public final class TypeDef {
    /** How a value of this type is written. */
    public enum Form {
        /** A JSON object with known properties; other properties are unknown fields. */
        OBJECT,
        /** A JSON object holding anything (RawExtension, FieldsV1): nothing in it is unknown. */
        OPAQUE,
        /** An RFC 3339 date-time string (Time, MicroTime). */
        DATE_TIME,
        /** An integer or a string (IntOrString). */
        INT_OR_STRING,
        /** A quantity such as {@code 500m} or {@code 1Gi}, as a string or a number. */
        QUANTITY
    }

    private final String name;
    private final Form form;
    private final Gvk gvk;
    private String description;
    private Map<String, Property> properties = Map.of();
    private List<String> required = List.of();
    private String mapType;

    TypeDef(String name, Form form, Gvk gvk, String description) {
        this.name = name;
        this.form = form;
        this.gvk = gvk;
        this.description = description;
    }

    /** Called once by the builder, before the type is published. */
    void complete(LinkedHashMap<String, Property> properties, List<String> required, String mapType, String description) {
        this.properties = Collections.unmodifiableMap(properties);
        this.required = List.copyOf(required);
        this.mapType = mapType;
        if (description != null) this.description = description;
    }

    /** The OpenAPI schema name, e.g. {@code io.k8s.api.apps.v1.DeploymentSpec}. */
    public String name() {
        return name;
    }

    /** The last segment of the name, e.g. {@code DeploymentSpec}. */
    public String shortName() {
        return name.substring(name.lastIndexOf('.') + 1);
    }

    public Form form() {
        return form;
    }

    /** The kind this type is the top-level schema of, if it is one. */
    public Optional<Gvk> gvk() {
        return Optional.ofNullable(gvk);
    }

    public String description() {
        return description;
    }

    /** The properties in their canonical order (apiVersion, kind, metadata first for kinds). */
    public Map<String, Property> properties() {
        return properties;
    }

    /** A property by JSON name, or null. */
    public Property property(String name) {
        return properties.get(name);
    }

    /** Properties Kubernetes marks required. */
    public List<String> required() {
        return required;
    }

    /** {@code x-kubernetes-map-type} of this object type ("atomic"), or null. */
    public String mapType() {
        return mapType;
    }

    @Override
    public String toString() {
        return name;
    }
}
