/** Tests for Calculator: every public method whose name starts with "test" is one test. */
public final class CalculatorTest {

    static void check(boolean ok, String message) {
        if (!ok) {
            throw new AssertionError(message);
        }
    }

    public void testAdd() {
        check(Calculator.add(2, 3) == 5, "add(2, 3) should be 5 but was " + Calculator.add(2, 3));
    }

    public void testMax() {
        check(Calculator.max(3, 9, 4) == 9, "max(3, 9, 4) should be 9 but was " + Calculator.max(3, 9, 4));
    }

    public void testAverageOfNothingIsZero() {
        check(Calculator.average() == 0.0, "average() should be 0.0 but was " + Calculator.average());
    }

    public void testAverageKeepsFractions() {
        check(Calculator.average(2, 3) == 2.5, "average(2, 3) should be 2.5 but was " + Calculator.average(2, 3));
    }
}
