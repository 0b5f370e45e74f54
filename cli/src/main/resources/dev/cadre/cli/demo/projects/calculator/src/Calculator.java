/** Small arithmetic helpers. */
public final class Calculator {

    private Calculator() {}

    public static int add(int a, int b) {
        return a + b;
    }

    public static int max(int... values) {
        int max = Integer.MIN_VALUE;
        for (int v : values) {
            max = Math.max(max, v);
        }
        return max;
    }

    /** The arithmetic mean of the values; 0 for none. */
    public static double average(int... values) {
        if (values.length == 0) {
            return 0;
        }
        int sum = 0;
        for (int v : values) {
            sum += v;
        }
        return sum / values.length;
    }
}
