// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.runtime;

/**
 * Linux capabilities 0 to 40, in number order ({@link #ordinal()} is the number).
 *
 * <p>Deliberate difference from upstream: runsc names 38, 39 and 40 {@code UNKNOWN}, so a real
 * {@code CAP_PERFMON} is never reported; here they carry their Linux names.
 */
public enum Capability {
    /** 0. */ CHOWN,
    /** 1. */ DAC_OVERRIDE,
    /** 2. */ DAC_READ_SEARCH,
    /** 3. */ FOWNER,
    /** 4. */ FSETID,
    /** 5. */ KILL,
    /** 6. */ SETGID,
    /** 7. */ SETUID,
    /** 8. */ SETPCAP,
    /** 9. */ LINUX_IMMUTABLE,
    /** 10. */ NET_BIND_SERVICE,
    /** 11. */ NET_BROADCAST,
    /** 12. */ NET_ADMIN,
    /** 13. */ NET_RAW,
    /** 14. */ IPC_LOCK,
    /** 15. */ IPC_OWNER,
    /** 16. */ SYS_MODULE,
    /** 17. */ SYS_RAWIO,
    /** 18. */ SYS_CHROOT,
    /** 19. */ SYS_PTRACE,
    /** 20. */ SYS_PACCT,
    /** 21. */ SYS_ADMIN,
    /** 22. */ SYS_BOOT,
    /** 23. */ SYS_NICE,
    /** 24. */ SYS_RESOURCE,
    /** 25. */ SYS_TIME,
    /** 26. */ SYS_TTY_CONFIG,
    /** 27. */ MKNOD,
    /** 28. */ LEASE,
    /** 29. */ AUDIT_WRITE,
    /** 30. */ AUDIT_CONTROL,
    /** 31. */ SETFCAP,
    /** 32. */ MAC_OVERRIDE,
    /** 33. */ MAC_ADMIN,
    /** 34. */ SYSLOG,
    /** 35. */ WAKE_ALARM,
    /** 36. */ BLOCK_SUSPEND,
    /** 37. */ AUDIT_READ,
    /** 38. */ PERFMON,
    /** 39. */ BPF,
    /** 40. */ CHECKPOINT_RESTORE;

    // Made once: the metric server asks for it for every capability of every sandbox at every scrape.
    private final String specName = "CAP_" + name();

    /**
     * Returns the name as an OCI spec writes it, e.g. {@code CAP_CHOWN}.
     *
     * @return {@code "CAP_" + name()}
     */
    public String specName() {
        return specName;
    }

    /**
     * Returns the label value exported for the capability, e.g. {@code CHOWN}.
     *
     * @return the name without the {@code CAP_} prefix
     */
    public String trimmedName() {
        return name();
    }
}
