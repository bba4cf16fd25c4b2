package dev.llmops.studio.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Keys and values of the positions already seen, per layer, after the rotary embedding and before the kv heads are
 * shared out. Preallocated to a fixed capacity and written in place, so a step costs no growing copies and memory
 * is known up front.
 */
final class KvCache implements AutoCloseable {

    private final NDManager manager;
    private final NDArray[] keys;
    private final NDArray[] values;
    private final int capacity;
    private int length;

    KvCache(LlamaShape shape, int batch, int capacity, NDManager parent) {
        if (capacity <= 0 || capacity > shape.maxPositions()) {
            throw new IllegalArgumentException("capacity must be within 1.." + shape.maxPositions());
        }
        this.manager = parent.newSubManager();
        this.capacity = capacity;
        Shape size = new Shape(batch, shape.kvHeads(), capacity, shape.headDim());
        keys = new NDArray[shape.layers()];
        values = new NDArray[shape.layers()];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = manager.zeros(size, DataType.FLOAT32);
            values[i] = manager.zeros(size, DataType.FLOAT32);
        }
    }

    int length() {
        return length;
    }

    int capacity() {
        return capacity;
    }

    /**
     * Stores the new keys and values [B, kvHeads, T, headDim] of {@code layer} after the cached ones and returns
     * views of all of them, attached to the manager of the new keys (the caller's step).
     */
    NDList append(int layer, NDArray newKeys, NDArray newValues) {
        long end = length + newKeys.getShape().get(2);
        NDIndex added = new NDIndex(":, :, {}:{}", length, end);
        keys[layer].set(added, newKeys);
        values[layer].set(added, newValues);
        NDIndex seen = new NDIndex(":, :, :{}", end);
        NDManager step = newKeys.getManager();
        return new NDList(keys[layer].get(step, seen), values[layer].get(step, seen));
    }

    /** Called once every layer has appended the same {@code count} positions. */
    void advance(int count) {
        length += count;
    }

    @Override
    public void close() {
        manager.close();
    }
}
