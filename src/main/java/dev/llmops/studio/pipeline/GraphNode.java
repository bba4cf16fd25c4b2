package dev.llmops.studio.pipeline;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One step placed on the canvas. {@code type} is a {@link NodeType} id (an unknown one is a validation issue,
 * not an error here); {@code label} is what users see and may be {@code null}; {@code x}/{@code y} are canvas
 * coordinates and must be finite.
 *
 * <p>{@code params} is copied into an unmodifiable map (null values allowed, meaning "use the default"), and
 * numbers are normalised the way JSON reads them back: integers as {@code Integer} when they fit, else
 * {@code Long}; decimals as {@code Double}. Without that, a node holding {@code 3L} would not equal its own
 * JSON round trip, which reads {@code 3}.
 */
public record GraphNode(String id, String type, String label, double x, double y, Map<String, Object> params) {

    public GraphNode {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        if (!Double.isFinite(x) || !Double.isFinite(y)) {
            throw new IllegalArgumentException("Node " + id + " has a non-finite position");
        }
        params = params == null ? Map.of() : normaliseMap(params);
    }

    private static Map<String, Object> normaliseMap(Map<?, ?> map) {
        Map<String, Object> copy = new LinkedHashMap<>();
        map.forEach((key, value) -> copy.put(String.valueOf(key), normalise(value)));
        return Collections.unmodifiableMap(copy);
    }

    private static Object normalise(Object value) {
        if (value instanceof Integer || value instanceof Double) {
            return value;
        }
        if (value instanceof Short || value instanceof Byte) {
            return ((Number) value).intValue();
        }
        if (value instanceof Long l) {
            return l == l.intValue() ? (Object) l.intValue() : l;
        }
        if (value instanceof BigInteger big) {
            return big.bitLength() < 32 ? (Object) big.intValue() : big.bitLength() < 64 ? (Object) big.longValue() : big;
        }
        if (value instanceof Float f) {
            // via the decimal text, so 0.1f becomes 0.1 rather than 0.10000000149011612
            return Double.valueOf(f.toString());
        }
        if (value instanceof BigDecimal decimal) {
            return decimal.doubleValue();
        }
        if (value instanceof Map<?, ?> map) {
            return normaliseMap(map);
        }
        if (value instanceof Collection<?> collection) {
            List<Object> copy = new ArrayList<>(collection.size());
            collection.forEach(element -> copy.add(normalise(element)));
            return Collections.unmodifiableList(copy);
        }
        return value;
    }
}
