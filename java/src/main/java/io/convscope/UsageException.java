package io.convscope;

/** The request itself is wrong (a missing file, a layer that does not exist, an option out of range): exit 2. */
public class UsageException extends ConvscopeException {
    private static final long serialVersionUID = 1L;

    public UsageException(String message) {
        super(message);
    }

    @Override
    public int exitCode() {
        return 2;
    }
}
