package dev.cadre.api;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;

/**
 * Prices per million tokens by model reference, so that runs report cost. Cadre ships no prices: providers
 * change them, so the user states the ones they pay.
 */
public record PriceTable(Map<String, Price> prices) {

    public static final PriceTable NONE = new PriceTable(Map.of());

    /** Price per million input and output tokens, in whatever currency the user keeps accounts in. */
    public record Price(BigDecimal inputPerMillion, BigDecimal outputPerMillion) {}

    public PriceTable {
        prices = prices == null ? Map.of() : Map.copyOf(prices);
        prices.keySet().forEach(ModelRef::parse);
    }

    public PriceTable with(String modelReference, String inputPerMillion, String outputPerMillion) {
        var copy = new java.util.HashMap<>(prices);
        copy.put(ModelRef.parse(modelReference).toString(), new Price(new BigDecimal(inputPerMillion), new BigDecimal(outputPerMillion)));
        return new PriceTable(copy);
    }

    /** The cost of one call; zero for a model without a price. */
    public BigDecimal cost(ModelRef model, long inputTokens, long outputTokens) {
        Price price = prices.get(model.toString());
        if (price == null) {
            return BigDecimal.ZERO;
        }
        BigDecimal million = BigDecimal.valueOf(1_000_000);
        return price.inputPerMillion().multiply(BigDecimal.valueOf(inputTokens))
                .add(price.outputPerMillion().multiply(BigDecimal.valueOf(outputTokens)))
                .divide(million, 8, RoundingMode.HALF_UP).stripTrailingZeros();
    }
}
