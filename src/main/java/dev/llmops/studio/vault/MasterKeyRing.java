package dev.llmops.studio.vault;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The master key new files are wrapped with, plus earlier keys that still open files wrapped before a rotation.
 * A file's header names its key by id, so the ring picks the right one without trial decryption.
 */
public final class MasterKeyRing {

    private final MasterKey current;
    private final List<MasterKey> previous;

    public MasterKeyRing(MasterKey current, List<MasterKey> previous) {
        this.current = current;
        List<MasterKey> distinct = new ArrayList<>();
        for (MasterKey key : previous) {
            if (!key.equals(current) && !distinct.contains(key)) {
                distinct.add(key);
            }
        }
        this.previous = List.copyOf(distinct);
    }

    public static MasterKeyRing of(MasterKey current, MasterKey... previous) {
        return new MasterKeyRing(current, List.of(previous));
    }

    /** The key new files are wrapped with. */
    public MasterKey current() {
        return current;
    }

    public List<MasterKey> previous() {
        return previous;
    }

    /** The key with this id (16 hex digits), current or previous. */
    public Optional<MasterKey> byId(String id) {
        if (current.id().equalsIgnoreCase(id)) {
            return Optional.of(current);
        }
        return previous.stream().filter(key -> key.id().equalsIgnoreCase(id)).findFirst();
    }

    Optional<MasterKey> byId(byte[] id) {
        if (current.hasId(id)) {
            return Optional.of(current);
        }
        return previous.stream().filter(key -> key.hasId(id)).findFirst();
    }

    /** For error messages: which ids are configured (never the keys). */
    public String describe() {
        String text = "current " + current.id();
        if (!previous.isEmpty()) {
            text += ", previous " + previous.stream().map(MasterKey::id).collect(Collectors.joining(", "));
        }
        return text;
    }

    @Override
    public String toString() {
        return "master keys (" + describe() + ")";
    }
}
