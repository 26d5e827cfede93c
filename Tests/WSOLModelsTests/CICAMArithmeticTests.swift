import Foundation
import Testing
import TensorCore
import TensorTestSupport
@testable import WSOLModels

/// Hand-worked checks of CI-CAM's pool update, rank weights, combination and box rule.
@Suite struct CICAMArithmeticTests {
    /// One channel [0, 0, 3]: mean 1, biased variance (1 + 1 + 4)/3 = 2, so
    /// (x − 1)/sqrt(2 + 1e-5) = [−0.7071050, −0.7071050, 1.4142100]; a zero channel stays zero.
    @Test func standardizationIsPerChannelWithBatchNormEpsilon() {
        var values: [Float] = [0, 0, 3, 0, 0, 0]
        ContextPool.standardize(&values, channels: 2, plane: 3)
        expectClose(values, [-0.7071050, -0.7071050, 1.4142100, 0, 0, 0], rtol: 1e-6)
    }

    /// K = 2, h·w = 2, three samples. Sample 0 (label 0, predicted 0) CAM_0 = [1, 3]; sample 1
    /// (label 1, predicted 0: wrong) is ignored; sample 2 (label 0, predicted 0) CAM_0 = [2, 0].
    /// S = [[3, 3], [0, 0]].
    @Test func batchSumTakesCorrectSamplesOwnClassMaps() {
        let cams: [Float] = [1, 3, 7, 7,   5, 5, 9, 9,   2, 0, 8, 8]
        let sum = ContextPool.correctClassSum(cams: cams, classCount: 2, plane: 2, predictions: [0, 0, 0], labels: [0, 1, 0])
        #expect(sum == [3, 3, 0, 0])
    }

    /// Pool 0, S channel 0 = [1, 3]: standardised a·[−1, 1] with a = 1/sqrt(1 + 1e-5) = 0.999995;
    /// M = 0.5·a·[−1, 1] = [−0.4999975, 0.4999975]; re-standardised: 0.4999975 / sqrt(0.4999975² + 1e-5)
    /// = 0.4999975 / 0.5000075 = 0.99998. Channel 1 (no correct sample) stays 0.
    /// Second update with S channel 0 = [0, 4], rate 1: M = [−0.99998 − a, 0.99998 + a] =
    /// [−1.999975, 1.999975] → 1.999975 / sqrt(1.999975² + 1e-5) = 0.99999875.
    @Test func poolUpdateStandardisesAddsAndStandardisesAgain() {
        let first = ContextPool.updated(pool: [0, 0, 0, 0], batchSum: [1, 3, 0, 0], rate: 0.5, classCount: 2, plane: 2)
        expectClose(first, [-0.99998, 0.99998, 0, 0], rtol: 1e-6)
        let second = ContextPool.updated(pool: first, batchSum: [0, 4, 0, 0], rate: 1, classCount: 2, plane: 2)
        expectClose(second, [-0.99999875, 0.99999875, 0, 0], rtol: 1e-6)
    }

    /// K = 5, r/(K−1) = 0, .25, .5, .75, 1.
    /// quadratic −(r/4)²: [0, −0.0625, −0.25, −0.5625, −1] (top-1 weight 0);
    /// linear 1 − 2r/4: [1, 0.5, 0, −0.5, −1];
    /// sum_1, m = 3: top-1 1, ranks 2, 3, 4 minus linspace(0, 2, 3)/3 = [0, 1/3, 2/3];
    /// sum_2, m = 3: minus linspace(0, 4, 3)/3 = [0, 2/3, 4/3];
    /// sum_1 with m = 20 > K clamps to m = 5: minus [0, .5, 1, 1.5, 2]/5 on every rank, 1 on rank 0.
    @Test func rankWeightsOfEachCombination() {
        expectClose(RankCombination.quadratic.rankWeights(classCount: 5), [0, -0.0625, -0.25, -0.5625, -1])
        #expect(RankCombination.quadratic.rankWeights(classCount: 5)[0] == 0)
        expectClose(RankCombination.linear.rankWeights(classCount: 5), [1, 0.5, 0, -0.5, -1])
        expectClose(RankCombination.sum1.rankWeights(classCount: 5, lowestCount: 3), [1, 0, 0, -1.0 / 3, -2.0 / 3])
        expectClose(RankCombination.sum2.rankWeights(classCount: 5, lowestCount: 3), [1, 0, 0, -2.0 / 3, -4.0 / 3])
        expectClose(RankCombination.sum1.rankWeights(classCount: 5, lowestCount: 20), [1, -0.1, -0.2, -0.3, -0.4])
        #expect(RankCombination.quadratic.rankWeights(classCount: 1) == [-0.0])
    }

    /// K = 3, plane 2, ranking [2, 0, 1]: quadratic weights by rank [0, −0.25, −1], so the map is
    /// −0.25·map_0 − 1·map_1 = −0.25·[4, 0] − [1, 3] = [−2, −3], minus its minimum: [1, 0].
    @Test func combinationWeightsMapsByRankAndSubtractsTheMinimum() {
        let maps: [Float] = [4, 0,   1, 3,   100, -100]
        expectClose(RankCombination.quadratic.combine(maps: maps, ranking: [2, 0, 1], plane: 2), [1, 0])
        // linear [1, 0, −1]: map_2 − map_1 = [99, −103] → [202, 0].
        expectClose(RankCombination.linear.combine(maps: maps, ranking: [2, 0, 1], plane: 2), [202, 0])
    }

    /// Two 4-connected components (value 1) on a 6x4 map of zeros: an L of 5 pixels with bounding
    /// box x 0..<3, y 0..<3 (area 9), and a 2x3 block of 6 pixels x 4..<6, y 0..<3 (area 6).
    /// The rule picks the largest *box*, the L, although the block has more pixels.
    @Test func boxRulePicksTheLargestBoundingBoxArea() {
        let map: [Float] = [1, 0, 0, 0, 1, 1,
                            1, 0, 0, 0, 1, 1,
                            1, 1, 1, 0, 1, 1,
                            0, 0, 0, 0, 0, 0]
        #expect(CombinationalBox.box(map: map, width: 6, height: 4, threshold: 0.5) == ExclusiveBox(x0: 0, y0: 0, xStop: 3, yStop: 3))
    }

    /// Diagonal neighbours are separate components (4-connectivity); values ≤ threshold·max are
    /// zeroed first: with threshold 0.5 the 0.4 plateau goes, leaving the single 1.0 pixel
    /// (mean of the zeroed 3x3 map = 2/9, so both 1.0 pixels are foreground, in two components).
    @Test func boxRuleUsesFourConnectivityAndTheThreshold() {
        let map: [Float] = [1.0, 0.4, 0.4,
                            0.4, 1.0, 0.4,
                            0.4, 0.4, 0.4]
        let boxes = CombinationalBox.componentBoxes(map.map { $0 > 0.5 }, width: 3, height: 3)
        #expect(boxes == [ExclusiveBox(x0: 0, y0: 0, xStop: 1, yStop: 1), ExclusiveBox(x0: 1, y0: 1, xStop: 2, yStop: 2)])
        // Equal areas: the first component in raster order.
        #expect(CombinationalBox.box(map: map, width: 3, height: 3, threshold: 0.5) == ExclusiveBox(x0: 0, y0: 0, xStop: 1, yStop: 1))
        // Threshold 0.3 keeps the plateau: mean = (2 + 7·0.4)/9 = 0.533, so again only the 1.0 pixels.
        #expect(CombinationalBox.box(map: map, width: 3, height: 3, threshold: 0.3) == ExclusiveBox(x0: 0, y0: 0, xStop: 1, yStop: 1))
        #expect(CombinationalBox.box(map: [Float](repeating: 0, count: 4), width: 2, height: 2, threshold: 0.1) == nil)
    }
}
