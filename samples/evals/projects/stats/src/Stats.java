import java.util.Arrays;

/** Small statistics over int arrays. */
public final class Stats {

    private Stats() {}

    /** The middle value of the sorted values; for an even count, the mean of the two middle ones. */
    public static double median(int[] values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("median of no values");
        }
        int[] sorted = values.clone();
        Arrays.sort(sorted);
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /** The largest value minus the smallest. */
    public static int range(int[] values) {
        return Arrays.stream(values).max().orElse(0) - Arrays.stream(values).min().orElse(0);
    }
}
