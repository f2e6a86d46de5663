package dev.pier.apiserver.schema;

import java.util.Objects;

/**
 * The shape of a property's value: a JSON scalar, a named type, a list or a map with string keys.
 * Shapes nest: {@code List<Map<String, Quantity>>} is an {@link ArrayOf} of a {@link MapOf} of a {@link Ref}.
 */
public sealed interface Shape {
    Primitive STRING = new Primitive("string", null);
    Primitive BYTES = new Primitive("string", "byte");
    Primitive INT32 = new Primitive("integer", "int32");
    Primitive INT64 = new Primitive("integer", "int64");
    Primitive BOOLEAN = new Primitive("boolean", null);
    Primitive DOUBLE = new Primitive("number", "double");

    /**
     * A JSON scalar.
     *
     * @param type   the OpenAPI type: string, integer, number or boolean
     * @param format the OpenAPI format (int32, int64, double, byte) or null
     */
    record Primitive(String type, String format) implements Shape {
        public Primitive {
            Objects.requireNonNull(type, "type");
        }
    }

    /** A value of a named type (an object, or one of the special scalars such as Quantity). */
    record Ref(TypeDef type) implements Shape {
        public Ref {
            Objects.requireNonNull(type, "type");
        }

        @Override
        public String toString() {
            return "Ref[" + type.name() + "]";
        }
    }

    /** A JSON array whose items all have one shape. */
    record ArrayOf(Shape items) implements Shape {
        public ArrayOf {
            Objects.requireNonNull(items, "items");
        }
    }

    /** A JSON object with arbitrary string keys whose values all have one shape (labels, resources.limits ...). */
    record MapOf(Shape values) implements Shape {
        public MapOf {
            Objects.requireNonNull(values, "values");
        }
    }
}
