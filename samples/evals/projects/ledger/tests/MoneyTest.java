import java.util.Arrays;

/** javac -d build src/Money.java tests/MoneyTest.java && java -cp build MoneyTest (exit code 1 when a check fails). */
public final class MoneyTest {

    private static int failed;
    private static int passed;

    public static void main(String[] args) {
        expect("an even split", Money.split(90, 3), new long[] {30, 30, 30});
        expect("the remainder goes to the first shares", Money.split(100, 3), new long[] {34, 33, 33});
        expect("shares add up to the amount", new long[] {Money.total(Money.split(1001, 4))}, new long[] {1001});
        expect("one part is the whole", Money.split(7, 1), new long[] {7});
        System.out.println(passed + " passed, " + failed + " failed");
        System.exit(failed == 0 ? 0 : 1);
    }

    private static void expect(String name, long[] actual, long[] expected) {
        if (Arrays.equals(actual, expected)) {
            passed++;
        } else {
            failed++;
            System.out.println("FAILED " + name + ": expected " + Arrays.toString(expected) + ", got " + Arrays.toString(actual));
        }
    }
}
