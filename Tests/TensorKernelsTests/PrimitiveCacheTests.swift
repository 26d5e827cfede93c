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
        // Stride-1 1x1 convolutions on at least 28x28 run on plain nchw (prefersPlainLayout): no reorders.
        let g = Conv2dGeometry(
            batch: 1, inputChannels: 32, inputHeight: 28, inputWidth: 28, outputChannels: 16,
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
        // 1x1 at 14x14, or strided, stays blocked; at 28x28 it goes plain.
        let pointwise14 = Conv2dGeometry(
            batch: 8, inputChannels: 1024, inputHeight: 14, inputWidth: 14, outputChannels: 256,
            kernelHeight: 1, kernelWidth: 1)
        var strided = pointwise14
        strided.inputHeight = 28
        strided.inputWidth = 28
        strided.strideHeight = 2
        strided.strideWidth = 2
        var pointwise28 = pointwise14
        pointwise28.inputHeight = 28
        pointwise28.inputWidth = 28
        for pass in ConvolutionPass.allCases {
            #expect(!ConvolutionShape.prefersPlainLayout(pointwise14, pass))
            #expect(!ConvolutionShape.prefersPlainLayout(strided, pass))
            #expect(ConvolutionShape.prefersPlainLayout(pointwise28, pass))
        }
    }
}
