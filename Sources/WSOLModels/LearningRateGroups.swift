//! The two learning-rate groups of the WSOL recipes (methods.md §3, §9.5): pretrained layers at the
//! base rate, new (or, for ResNet50, re-purposed) layers at a multiple of it.
import TensorNN

/// A backbone that says which of its parameters train at the higher rate.
public protocol LearningRateGrouped: Module {
    /// True if the trainable parameter named `name` (state-dict key) belongs to the 10x group.
    func isFastParameter(named name: String) -> Bool
}

extension LearningRateGrouped {
    /// SGD parameter groups: `[base group, fast group]`, trainable parameters only, in state-dict
    /// order. wsolevaluation applies the weight decay to every parameter, batch norm included.
    /// - Parameters:
    ///   - learningRate: the base rate (pretrained layers).
    ///   - multiplier: the fast group's factor (`lr_classifier_ratio`, 10 in wsolevaluation).
    public func parameterGroups(learningRate: Float, weightDecay: Float = 0,
                                multiplier: Float = 10) -> [ParameterGroup] {
        var base: [Parameter] = []
        var fast: [Parameter] = []
        for (name, parameter) in namedParameters() where parameter.isTrainable {
            if isFastParameter(named: name) { fast.append(parameter) } else { base.append(parameter) }
        }
        return [
            ParameterGroup(parameters: base, learningRate: learningRate, weightDecay: weightDecay),
            ParameterGroup(parameters: fast, learningRate: learningRate * multiplier, weightDecay: weightDecay),
        ]
    }
}
