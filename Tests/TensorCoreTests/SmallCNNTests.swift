import Foundation
import Testing
import TensorCore
import TensorTestSupport

/// PyTorch's forward and backward of conv-bn-relu-pool-conv-gap-linear-CE
/// (Fixtures/small_cnn_torch.json, from scripts/fixtures/core_small_cnn.py).
struct SmallCNNFixture: Decodable {
    var input: [Float]
    var inputShape: [Int]
    var labels: [Int]
    var parameters: [String: [Float]]
    var shapes: [String: [Int]]
    var bnMean: [Float]
    var bnVariance: [Float]
    var logits: [Float]
    var loss: Float
    var inputGradient: [Float]
    var gradients: [String: [Float]]

    static func load() throws -> SmallCNNFixture {
        let url = try #require(Bundle.module.url(forResource: "small_cnn_torch", withExtension: "json",
                                                 subdirectory: "Fixtures"))
        return try JSONDecoder().decode(SmallCNNFixture.self, from: Data(contentsOf: url))
    }

    func parameter(_ name: String) -> Tensor {
        Tensor(shape: shapes[name]!, scalars: parameters[name]!)
    }
}

@Suite struct SmallCNNTests {
    @Test(arguments: KernelChoice.allCases)
    func forwardAndGradientsMatchPyTorch(kernels: KernelChoice) throws {
        let fixture = try SmallCNNFixture.load()
        let names = ["conv1.weight", "conv1.bias", "bn.weight", "bn.bias", "conv2.weight", "conv2.bias",
                     "fc.weight", "fc.bias"]
        let p = Dictionary(uniqueKeysWithValues: names.map { ($0, fixture.parameter($0)) })
        let x = Tensor(shape: fixture.inputShape, scalars: fixture.input)
        try kernels.run {
            let conv1 = conv2d(x, weight: p["conv1.weight"]!, bias: p["conv1.bias"]!, padding: 1)
            let normalized = batchNorm(conv1, scale: p["bn.weight"]!, shift: p["bn.bias"]!)
            let pooled = maxPool2d(relu(normalized.output), kernelSize: 2)
            let conv2 = conv2d(pooled, weight: p["conv2.weight"]!, bias: p["conv2.bias"]!, stride: 2, padding: 1)
            let features = globalAvgPool2d(conv2).flattened(startAxis: 1)
            let logits = matmul(features, p["fc.weight"]!, transposeB: true) + p["fc.bias"]!
            let loss = crossEntropy(logits, labels: fixture.labels)

            expectClose(normalized.mean.scalars, fixture.bnMean, rtol: 1e-4, atol: 1e-5, "bn mean")
            expectClose(normalized.variance.scalars, fixture.bnVariance, rtol: 1e-4, atol: 1e-5, "bn variance")
            expectClose(logits.scalars, fixture.logits, rtol: 1e-4, atol: 1e-5, "logits")
            expectClose(loss.scalars, [fixture.loss], rtol: 1e-5, "loss")

            let wrt = [x] + names.map { p[$0]! }
            let grads = gradients(of: loss, wrt: wrt)
            expectClose(grads[0].scalars, fixture.inputGradient, rtol: 1e-3, atol: 1e-6, "d loss / d input")
            for (index, name) in names.enumerated() {
                expectClose(grads[index + 1].scalars, try #require(fixture.gradients[name]), rtol: 1e-3, atol: 1e-6,
                            "d loss / d \(name)")
            }
        }
    }
}
