package dev.pier.apiserver.resources;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.errors.FieldError;
import dev.pier.apiserver.registry.NameRule;
import dev.pier.apiserver.registry.ResourceStrategy;
import dev.pier.apiserver.table.TableConvertor;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A strategy assembled from parts, for kinds whose rules are a few functions: a status subresource or
 * not, a name rule, defaults, a validator, table columns and field selectors.
 * Kinds with more to say implement {@link ResourceStrategy} themselves.
 */
public final class KindStrategy implements ResourceStrategy {
    private final boolean status;
    private final NameRule nameRule;
    private final Consumer<ObjectNode> defaults;
    private final Function<ObjectNode, List<FieldError>> validator;
    private final TableConvertor table;
    private final Map<String, Function<ObjectNode, String>> fieldSelectors;

    private KindStrategy(Builder b) {
        this.status = b.status;
        this.nameRule = b.nameRule;
        this.defaults = b.defaults;
        this.validator = b.validator;
        this.table = b.table;
        this.fieldSelectors = Map.copyOf(b.fieldSelectors);
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public void prepareForCreate(ObjectNode object) {
        defaults.accept(object);
    }

    @Override
    public void prepareForUpdate(ObjectNode object, ObjectNode old) {
        defaults.accept(object);
    }

    @Override
    public List<FieldError> validate(ObjectNode object) {
        return validator.apply(object);
    }

    @Override
    public boolean hasStatusSubresource() {
        return status;
    }

    @Override
    public NameRule nameRule() {
        return nameRule;
    }

    @Override
    public TableConvertor table() {
        return table;
    }

    @Override
    public Map<String, Function<ObjectNode, String>> fieldSelectors() {
        return fieldSelectors;
    }

    public static final class Builder {
        private boolean status;
        private NameRule nameRule = NameRule.DNS_SUBDOMAIN;
        private Consumer<ObjectNode> defaults = o -> { };
        private Function<ObjectNode, List<FieldError>> validator = o -> List.of();
        private TableConvertor table = TableConvertor.NAME_AND_AGE;
        private final Map<String, Function<ObjectNode, String>> fieldSelectors = new LinkedHashMap<>();

        private Builder() {
        }

        public Builder withStatus() {
            this.status = true;
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

        public Builder validator(Function<ObjectNode, List<FieldError>> v) {
            this.validator = v;
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
