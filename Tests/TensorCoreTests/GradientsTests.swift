import Testing
import TensorCore
import TensorTestSupport

@Suite struct GradientsTests {
    @Test func gradientWithRespectToAnIntermediateTensor() {
        // h = 3x, y = sum(h²): dy/dh = 2h = 6x; dy/dx = 18x.
        let x = Tensor(shape: [2], scalars: [1, 2])
        let h = x * 3
        let y = pow(h, 2).sum()
        let grads = gradients(of: y, wrt: [h, x])
        #expect(grads[0].scalars == [6, 12])
        #expect(grads[1].scalars == [18, 36])
    }

    @Test func customSeedIsTheUpstreamGradient() {
        // y = 2x, seed s: dL/dx = 2s. DGL seeds with p − 10·onehot.
        let x = Tensor(shape: [3], scalars: [1, 2, 3])
        let y = x * 2
        let seed = Tensor(shape: [3], scalars: [1, -10, 0.5])
        #expect(gradients(of: y, wrt: [x], seed: seed)[0].scalars == [2, -20, 1])
    }

    @Test func unreachableTensorGetsZeros() {
        let x = Tensor(shape: [2], scalars: [1, 2]), unrelated = Tensor(shape: [3], scalars: [1, 1, 1])
        let grads = gradients(of: (x * x).sum(), wrt: [unrelated, x])
        #expect(grads[0].scalars == [0, 0, 0])
        #expect(grads[1].scalars == [2, 4])
    }

    @Test func aTensorUsedTwiceAccumulates() {
        // y = x·x + x: dy/dx = 2x + 1 = [3, 5] at [1, 2] (diamond in the graph).
        let x = Tensor(shape: [2], scalars: [1, 2])
        #expect(gradients(of: x * x + x, wrt: [x])[0].scalars == [3, 5])
    }

    @Test func noGradScopeRecordsNothing() {
        let x = Tensor(shape: [2], scalars: [1, 2])
        let y = withNoGrad { relu(x * 2 + 1).sum() }
        #expect(!y.isRecorded)
        #expect(y.scalars == [8])
        #expect(GradientRecording.isEnabled)
        // Nothing recorded -> x is unreachable -> zeros.
        #expect(gradients(of: y, wrt: [x])[0].scalars == [0, 0])
        let z = x * 2
        #expect(z.isRecorded)
    }

    @Test func withGradReenablesRecordingInsideNoGrad() {
        // Grad-CAM inside an evaluation loop: d(sum(x²))/dx = 2x even under an outer withNoGrad.
        let x = Tensor(shape: [2], scalars: [1, 3])
        let gradient = withNoGrad {
            withGrad { gradients(of: (x * x).sum(), wrt: [x])[0] }
        }
        #expect(gradient.scalars == [2, 6])
        #expect(withNoGrad { withGrad { GradientRecording.isEnabled } })
    }

    @Test func backwardReturnsLeafGradients() {
        // y = sum(w·x + b): dy/dw = x, dy/db = 1 per element.
        let w = Tensor(shape: [2], scalars: [3, 4]), x = Tensor(shape: [2], scalars: [5, 6]), b = Tensor(1)
        let store = (w * x + b).sum().backward()
        #expect(store[w]?.scalars == [5, 6])
        #expect(store[x]?.scalars == [3, 4])
        #expect(store[b]?.scalars == [2])
        #expect(store[w * 2] == nil)
    }

    @Test func backwardSkipsInternalConstants() {
        // y = sum(x · 2 + 1): only x is a leaf that needs a gradient (2 and 1 are literals).
        let x = Tensor(shape: [2], scalars: [1, 2])
        let store = (x * 2 + 1).sum().backward()
        #expect(store.count == 1)
        #expect(store[x]?.scalars == [2, 2])
        // Masks from comparisons are constants too: d/dx sum(x · [x > 1.5]) = mask = [0, 1].
        let masked = (x * (x .> 1.5)).sum().backward()
        #expect(masked.count == 1)
        #expect(masked[x]?.scalars == [0, 1])
    }

    @Test func backwardWithMarkedParametersDifferentiatesOnlyThem() {
        // Loss = sum(w · image): with w marked, the image (an unmarked leaf) gets no gradient.
        let w = Tensor(shape: [2], scalars: [3, 4]).requiringGradient()
        let image = Tensor(shape: [2], scalars: [5, 6])
        let store = (w * image).sum().backward()
        #expect(store.count == 1)
        #expect(store[w]?.scalars == [5, 6])
        #expect(store[image] == nil)
        #expect(w.requiresGradient && !image.requiresGradient)
    }

    @Test func unneededFirstLayerInputGradientIsNotComputed() {
        // Through a convolution: marking the weight only must still give the right weight gradient.
        let image = testTensor([1, 2, 5, 5], seed: 90)
        let weight = testTensor([3, 2, 3, 3], seed: 91).requiringGradient()
        let loss = conv2d(image, weight: weight, padding: 1).sum()
        let store = loss.backward()
        #expect(store.count == 1)
        #expect(store[weight]?.scalars == gradients(of: loss, wrt: [weight])[0].scalars)
    }

    @Test func deepChainDoesNotOverflowTheStack() {
        // 20 000 chained adds: the topological sort is iterative.
        let x = Tensor(shape: [1], scalars: [0])
        var y = x
        for _ in 0..<20_000 { y = y + 1 }
        #expect(y.scalars == [20_000])
        #expect(gradients(of: y, wrt: [x])[0].scalars == [1])
    }
}
