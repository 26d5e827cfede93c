import Testing

@testable import TensorKernels

/// Plan caching and the layout choice, checked on the internals.
@Suite struct PrimitiveCacheTests {
    @Test func planIsBuiltOncePerKey() {
        let cache = PrimitiveCache<Int, String>()
        var builds = 0
        let first = cache.plan(for: 1) {
            builds += 1
            return "one"
        }
        let again = cache.plan(for: 1) {
            builds += 1
            return "other"
        }
        _ = cache.plan(for: 2) {
            builds += 1
            return "two"
        }
        #expect(first == "one" && again == "one")
        #expect(builds == 2)
        #expect(cache.count == 2)
    }

    @Test func wide3x3UsesBlockedLayoutsWithReorders() {
        // 32 -> 64 channels, 3x3: oneDNN picks a blocked (nChw16c-style) layout, so the ports reorder;
        // the random-geometry suites therefore exercise the reorder path.
        let g = Conv2dGeometry(
            batch: 2, inputChannels: 32, inputHeight: 8, inputWidth: 8, outputChannels: 64,
            kernelHeight: 3, kernelWidth: 3, paddingHeight: 1, paddingWidth: 1)
        let plan = ConvolutionForwardPlan(ConvolutionKey(geometry: g, withBias: true))
        #expect(plan.source.needsReorder)
        #expect(plan.destination.needsReorder)
    }

    @Test func pointwiseUsesPlainLayoutsWithoutReorders() {
        // 1x1 convolutions run on plain nchw (ConvolutionShape.prefersPlainLayout): no reorders.
        let g = Conv2dGeometry(
            batch: 2, inputChannels: 64, inputHeight: 7, inputWidth: 7, outputChannels: 32,
            kernelHeight: 1, kernelWidth: 1)
        let plan = ConvolutionForwardPlan(ConvolutionKey(geometry: g, withBias: false))
        #expect(!plan.source.needsReorder && !plan.weights.needsReorder && !plan.destination.needsReorder)
        let backward = ConvolutionBackwardWeightsPlan(ConvolutionKey(geometry: g, withBias: true))
        #expect(!backward.source.needsReorder && !backward.weightGradient.needsReorder)
    }

    @Test func layoutRule() {
        let stem = Conv2dGeometry(
            batch: 1, inputChannels: 3, inputHeight: 32, inputWidth: 32, outputChannels: 64,
            kernelHeight: 7, kernelWidth: 7, strideHeight: 2, strideWidth: 2,
            paddingHeight: 3, paddingWidth: 3)
        #expect(!ConvolutionShape.prefersPlainLayout(stem, .forward))
        #expect(ConvolutionShape.prefersPlainLayout(stem, .backwardData))
        #expect(!ConvolutionShape.prefersPlainLayout(stem, .backwardWeights))
    }
}
