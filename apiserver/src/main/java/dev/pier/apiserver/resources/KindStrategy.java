package dev.pier.apiserver.resources;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.crd.StructuralSchema;
import dev.pier.apiserver.errors.FieldError;
import dev.pier.apiserver.registry.NameRule;
import dev.pier.apiserver.registry.ResourceStrategy;
import dev.pier.apiserver.registry.ScaleSubresource;
import dev.pier.apiserver.table.TableConvertor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A strategy assembled from parts, for kinds whose rules are a few functions: a status subresource or
 * not, a name rule, defaults (on every write, and once on create), a validator (plus checks that only
 * apply to updates, such as immutable fields), table columns and field selectors, and for kinds the schema
 * catalog does not know, their own OpenAPI schema (served, and checked before the validator).
 * Kinds with more to say implement {@link ResourceStrategy} themselves.
 */
public final class KindStrategy implements ResourceStrategy {
    private final boolean status;
    private final NameRule nameRule;
    private final Boolean generation;
    private final Consumer<ObjectNode> defaults;
    private final Consumer<ObjectNode> createDefaults;
    private final Function<ObjectNode, List<FieldError>> validator;
    private final BiFunction<ObjectNode, ObjectNode, List<FieldError>> updateValidator;
    private final TableConvertor table;
    private final Map<String, Function<ObjectNode, String>> fieldSelectors;

    private final ScaleSubresource scale;
    private final JsonNode schema;

    private KindStrategy(Builder b) {
        this.status = b.status;
        this.nameRule = b.nameRule;
        this.generation = b.generation;
        this.defaults = b.defaults;
        this.createDefaults = b.createDefaults;
        this.validator = b.validator;
        this.updateValidator = b.updateValidator;
        this.table = b.table;
        this.fieldSelectors = Map.copyOf(b.fieldSelectors);
        this.scale = b.scale;
        this.schema = b.schema;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public void prepareForCreate(ObjectNode object) {
        defaults.accept(object);
        createDefaults.accept(object);
    }

    @Override
    public void prepareForUpdate(ObjectNode object, ObjectNode old) {
        defaults.accept(object);
    }

    @Override
    public List<FieldError> validate(ObjectNode object) {
        List<FieldError> errors = new ArrayList<>(schemaErrors(object));
        errors.addAll(validator.apply(object));
        return errors;
    }

    @Override
    public List<FieldError> validateUpdate(ObjectNode object, ObjectNode old) {
        List<FieldError> errors = new ArrayList<>(updateValidator.apply(object, old));
        errors.addAll(validate(object));
        return errors;
    }

    /** A value of the wrong type reaches the validator as if absent (see {@link Tree}); the schema names it. */
    private List<FieldError> schemaErrors(ObjectNode object) {
        return schema == null ? List.of() : StructuralSchema.validate(schema, object);
    }

    @Override
    public boolean hasStatusSubresource() {
        return status;
    }

    @Override
    public boolean tracksGeneration() {
        return generation != null ? generation : status;
    }

    @Override
    public NameRule nameRule() {
        return nameRule;
    }

    @Override
    public ScaleSubresource scale() {
        return scale;
    }

    @Override
    public TableConvertor table() {
        return table;
    }

    @Override
    public JsonNode openApiSchema() {
        return schema;
    }

    @Override
    public Map<String, Function<ObjectNode, String>> fieldSelectors() {
        return fieldSelectors;
    }

    public static final class Builder {
        private boolean status;
        private NameRule nameRule = NameRule.DNS_SUBDOMAIN;
        private Boolean generation;
        private Consumer<ObjectNode> defaults = o -> { };
        private Consumer<ObjectNode> createDefaults = o -> { };
        private Function<ObjectNode, List<FieldError>> validator = o -> List.of();
        private BiFunction<ObjectNode, ObjectNode, List<FieldError>> updateValidator = (o, old) -> List.of();
        private TableConvertor table = TableConvertor.NAME_AND_AGE;
        private final Map<String, Function<ObjectNode, String>> fieldSelectors = new LinkedHashMap<>();
        private ScaleSubresource scale;
        private JsonNode schema;

        private Builder() {
        }

        public Builder withStatus() {
            this.status = true;
            return this;
        }

        /** Whether metadata.generation is kept; by default it is when the kind has a status subresource. */
        public Builder generation(boolean tracked) {
            this.generation = tracked;
            return this;
        }

        public Builder names(NameRule rule) {
            this.nameRule = rule;
            return this;
        }

        public Builder defaults(Consumer<ObjectNode> d) {
            this.defaults = d;
            return this;
        }

        /** Defaults applied once, on create only (e.g. an initial status), after {@link #defaults}. */
        public Builder createDefaults(Consumer<ObjectNode> d) {
            this.createDefaults = d;
            return this;
        }

        /** Checks that only apply to updates (new object, old object), run before the {@link #validator}. */
        public Builder updateValidator(BiFunction<ObjectNode, ObjectNode, List<FieldError>> v) {
            this.updateValidator = v;
            return this;
        }

        public Builder validator(Function<ObjectNode, List<FieldError>> v) {
            this.validator = v;
            return this;
        }

        public Builder scale(ScaleSubresource s) {
            this.scale = s;
            return this;
        }

        /**
         * The kind's own OpenAPI v3 schema, for kinds the schema catalog does not know: it is served in the
         * OpenAPI documents (kubectl explain and apply) and prunes unknown fields, as a CRD's schema does.
         */
        public Builder schema(JsonNode openApiSchema) {
            this.schema = openApiSchema;
            return this;
        }

        public Builder table(TableConvertor t) {
            this.table = t;
            return this;
        }

        public Builder fieldSelector(String label, Function<ObjectNode, String> reader) {
            fieldSelectors.put(label, reader);
            return this;
        }

        public KindStrategy build() {
            return new KindStrategy(this);
        }
    }
}
