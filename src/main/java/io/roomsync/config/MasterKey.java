package io.roomsync.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;

/** The 256-bit key that encrypts secrets at rest: from ROOMSYNC_MASTER_KEY, else from an owner-only key file. */
public final class MasterKey {
    private MasterKey() {}

    public static byte[] decode(String base64) {
        byte[] key;
        try {
            key = Base64.getDecoder().decode(base64.trim());
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingException("ROOMSYNC_MASTER_KEY", "must be base64 of 32 random bytes");
        }
        if (key.length != 32) {
            throw new InvalidSettingException("ROOMSYNC_MASTER_KEY", "must be base64 of 32 random bytes, got " + key.length + " bytes");
        }
        return key;
    }

    public static String generate() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    /** The configured key, or the key file in the data folder (created with mode 0600 on first start). */
    public static byte[] resolve(Settings settings) {
        if (settings.masterKey() != null) return decode(settings.masterKey());
        Path file = settings.dataDir().resolve("master.key");
        try {
            Files.createDirectories(settings.dataDir());
            if (!Files.exists(file)) {
                Set<PosixFilePermission> ownerOnly = PosixFilePermissions.fromString("rw-------");
                Files.createFile(file, PosixFilePermissions.asFileAttribute(ownerOnly));
                Files.writeString(file, generate() + "\n", StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
            }
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
            if (perms.contains(PosixFilePermission.GROUP_READ) || perms.contains(PosixFilePermission.OTHERS_READ)) {
                throw new InvalidSettingException("ROOMSYNC_MASTER_KEY", "key file " + file + " must be readable by its owner only (chmod 600)");
            }
            return decode(Files.readString(file, StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new InvalidSettingException("ROOMSYNC_DATA_DIR", "cannot create or read the master key file " + file + ": " + e.getMessage());
        }
    }
}
