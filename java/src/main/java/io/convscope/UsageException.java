package io.convscope;

/** The request itself is wrong (a missing file, a layer that does not exist, an option out of range): exit 2. */
public class UsageException extends ConvscopeException {
    private static final long serialVersionUID = 1L;

    public UsageException(String message) {
        super(message);
    }

    /** A wrong value of the setting {@code field}; {@code message} begins with the field's name. */
    public UsageException(String field, String message) {
        super(field, message, null);
    }

    /** {@code "<field> " + detail}, about the setting {@code field}. */
    public static UsageException of(String field, String detail) {
        return new UsageException(field, field + " " + detail);
    }

    @Override
    public int exitCode() {
        return 2;
    }
}
