//! Batch normalisation with running statistics.
import TensorCore
import TensorDistributed

/// Batch norm over channels of `[N, C, H, W]` (or `[N, C]`), PyTorch `nn.BatchNorm2d` semantics:
/// training uses batch statistics and updates `running_mean`/`running_var` with `momentum`
/// (running variance from the *unbiased* batch variance); evaluation uses the running statistics.
/// State-dict names: `weight`, `bias`, `running_mean`, `running_var`, `num_batches_tracked`.
public final class BatchNorm2d: Layer {
    public let weight: Parameter
    public let bias: Parameter
    public let runningMean: Parameter
    public let runningVariance: Parameter
    public let batchesTracked: Parameter
    public let epsilon: Float
    public let momentum: Float
    public var isTraining = true
    /// When set, training uses statistics over the whole batch of every rank (synchronised batch
    /// norm, `BatchNorm2d+Synchronized.swift`); nil (default) = this process's batch only.
    public var synchronizer: (any Communicator)?

    public init(_ channels: Int, epsilon: Float = 1e-5, momentum: Float = 0.1) {
        weight = Parameter(Tensor.ones(shape: [channels]))
        bias = Parameter(Tensor.zeros(shape: [channels]))
        runningMean = Parameter(Tensor.zeros(shape: [channels]), trainable: false)
        runningVariance = Parameter(Tensor.ones(shape: [channels]), trainable: false)
        batchesTracked = Parameter(Tensor(0), trainable: false)
        self.epsilon = epsilon
        self.momentum = momentum
    }

    public var ownParameters: [(String, Parameter)] {
        [("weight", weight), ("bias", bias), ("running_mean", runningMean),
         ("running_var", runningVariance), ("num_batches_tracked", batchesTracked)]
    }

    public func callAsFunction(_ input: Tensor) -> Tensor {
        guard isTraining else {
            return batchNorm(input, scale: weight.value, shift: bias.value, mean: runningMean.value,
                             variance: runningVariance.value, epsilon: epsilon)
        }
        if let synchronizer { return synchronizedForward(input, communicator: synchronizer) }
        let result = batchNorm(input, scale: weight.value, shift: bias.value, epsilon: epsilon)
        updateRunningStatistics(mean: result.mean, biasedVariance: result.variance,
                                sampleCount: input.count / input.shape[1])
        return result.output
    }

    /// `activation(self(input) + residual)` (`residual` shaped like `input`). In training mode
    /// this is one recorded op (`batchNormEpilogue`): the same values and gradients as the
    /// separate ops, without keeping the normalised tensor alive for backward; the running
    /// statistics are updated as by `callAsFunction(_:)`. In evaluation mode, the separate ops.
    public func callAsFunction(_ input: Tensor, residual: Tensor?, activation: FusedActivation) -> Tensor {
        guard isTraining else {
            var out = self(input)
            if let residual { out = out + residual }
            switch activation {
            case .identity: return out
            case .relu: return relu(out)
            case .relu6: return relu6(out)
            }
        }
        let result = batchNormEpilogue(input, scale: weight.value, shift: bias.value, epsilon: epsilon,
                                       residual: residual, activation: activation)
        updateRunningStatistics(mean: result.mean, biasedVariance: result.variance,
                                sampleCount: input.count / input.shape[1])
        return result.output
    }

    func updateRunningStatistics(mean: Tensor, biasedVariance: Tensor, sampleCount: Int) {
        withNoGrad {
            let unbiased = biasedVariance * (Float(sampleCount) / Float(Swift.max(sampleCount - 1, 1)))
            runningMean.value = (1 - momentum) * runningMean.value + momentum * mean.detached()
            runningVariance.value = (1 - momentum) * runningVariance.value + momentum * unbiased.detached()
            batchesTracked.value = batchesTracked.value + 1
        }
    }
}
