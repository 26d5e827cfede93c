import Testing
import TensorCore
import TensorTestSupport
@testable import TensorNN

/// One parameter p with a loss whose gradient is known: L = g·p gives dL/dp = g.
private func step(_ optimizer: Optimizer, _ parameter: Parameter, gradient: Float) {
    let loss = (parameter.value * gradient).sum()
    optimizer.step(loss.backward())
}

@Suite struct OptimizerTests {
    @Test func sgdWithMomentumAndWeightDecayMatchesHandWork() {
        // p0 = 1, g = 0.5, lr 0.1, momentum 0.9, wd 0.1.
        // step 1: d = 0.5 + 0.1*1 = 0.6; buf = 0.6; p = 1 - 0.06 = 0.94.
        // step 2: d = 0.5 + 0.094 = 0.594; buf = 0.9*0.6 + 0.594 = 1.134; p = 0.94 - 0.1134 = 0.8266.
        let p = Parameter(Tensor(shape: [1], scalars: [1]))
        let sgd = SGD(groups: [ParameterGroup(parameters: [p], learningRate: 0.1, weightDecay: 0.1)], momentum: 0.9)
        step(sgd, p, gradient: 0.5)
        expectClose(p.value.scalars, [0.94])
        step(sgd, p, gradient: 0.5)
        expectClose(p.value.scalars, [0.8266])
    }

    @Test func nesterovMatchesHandWork() {
        // p0 = 1, g = 1, lr 0.1, μ 0.9: step 1 buf = 1, d = 1 + 0.9 = 1.9, p = 0.81;
        // step 2 buf = 0.9 + 1 = 1.9, d = 1 + 1.71 = 2.71, p = 0.81 - 0.271 = 0.539.
        let p = Parameter(Tensor(shape: [1], scalars: [1]))
        let sgd = SGD(groups: [ParameterGroup(parameters: [p], learningRate: 0.1)], momentum: 0.9, nesterov: true)
        step(sgd, p, gradient: 1)
        expectClose(p.value.scalars, [0.81])
        step(sgd, p, gradient: 1)
        expectClose(p.value.scalars, [0.539])
    }

    @Test func adamFirstStepMovesByTheLearningRate() {
        // Step 1: m = 0.1g, v = 0.001g²; m̂ = g, v̂ = g² -> p -= lr·g/(|g| + ε) ≈ lr·sign(g).
        let p = Parameter(Tensor(shape: [2], scalars: [1, -1]))
        let adam = Adam(groups: [ParameterGroup(parameters: [p], learningRate: 0.01)])
        let loss = (p.value * Tensor(shape: [2], scalars: [3, -0.2])).sum()
        adam.step(loss.backward())
        expectClose(p.value.scalars, [0.99, -0.99], rtol: 1e-6)
    }

    @Test func adamWDecaysTheWeightsSeparately() {
        // Decoupled: p = 1·(1 - 0.1·0.5) = 0.95, then the Adam step -0.1·sign(g): 0.85.
        let p = Parameter(Tensor(shape: [1], scalars: [1]))
        let adam = Adam.adamW(groups: [ParameterGroup(parameters: [p], learningRate: 0.1, weightDecay: 0.5)])
        step(adam, p, gradient: 2)
        expectClose(p.value.scalars, [0.85], rtol: 1e-6)
    }

    @Test(arguments: ["sgd", "adam"])
    func fitsALine(_ kind: String) {
        // y = 3x + 2 on x in [-1, 1]: the fitted weight and bias must reach 3 and 2.
        var generator = RandomGenerator(seed: 5)
        let model = Linear(inFeatures: 1, outFeatures: 1, using: &generator)
        let group = ParameterGroup(parameters: model.trainableParameters(), learningRate: kind == "sgd" ? 0.1 : 0.05)
        let optimizer: Optimizer = kind == "sgd" ? SGD(groups: [group], momentum: 0.9) : Adam(groups: [group])
        let xs = (0..<32).map { Float($0) / 16 - 1 }
        let x = Tensor(shape: [32, 1], scalars: xs)
        let y = Tensor(shape: [32, 1], scalars: xs.map { 3 * $0 + 2 })
        for _ in 0..<300 {
            optimizer.step(meanSquaredError(model(x), y).backward())
        }
        expectClose(model.weight.value.scalars, [3], rtol: 1e-2)
        expectClose(model.bias!.value.scalars, [2], rtol: 1e-2)
    }

    @Test func groupsKeepTheirOwnLearningRates() {
        let slow = Parameter(Tensor(shape: [1], scalars: [0]))
        let fast = Parameter(Tensor(shape: [1], scalars: [0]))
        let sgd = SGD(groups: [ParameterGroup(parameters: [slow], learningRate: 0.01),
                               ParameterGroup(parameters: [fast], learningRate: 0.1)])
        let loss = (slow.value + fast.value).sum()
        sgd.step(loss.backward())
        expectClose(slow.value.scalars + fast.value.scalars, [-0.01, -0.1])
        sgd.scaleLearningRates(by: 0.5)
        #expect(sgd.groups.map(\.learningRate) == [0.005, 0.05])
    }

    @Test func resumingFromSavedStateGivesTheSameTrajectory() throws {
        func run(_ steps: Int, resumeAt: Int?) throws -> Float {
            let p = Parameter(Tensor(shape: [1], scalars: [1]))
            var adam = Adam(groups: [ParameterGroup(parameters: [p], learningRate: 0.1)])
            for index in 0..<steps {
                if index == resumeAt {
                    // Simulate a restart: a fresh optimizer and parameter restored from saved arrays.
                    let saved = Dictionary(uniqueKeysWithValues: adam.stateArrays())
                    let value = p.value.scalars
                    p.value = Tensor(shape: [1], scalars: value)
                    adam = Adam(groups: [ParameterGroup(parameters: [p], learningRate: 0.1)])
                    try adam.loadStateArrays(saved)
                }
                step(adam, p, gradient: Float(index % 3) - 0.7)
            }
            return p.value.scalars[0]
        }
        #expect(try run(6, resumeAt: nil) == run(6, resumeAt: 3))
    }

    @Test func scheduleFactorsFollowTheirDefinitions() {
        // wsolevaluation, decay every 15: 0-based epochs 13, 14, 29, 30 -> 1, 0.1, 0.01, 0.01.
        let step = LearningRateSchedule.stepDecay(every: 15, gamma: 0.1)
        expectClose([13, 14, 29, 30].map { step.factor(epoch: $0) }, [1, 0.1, 0.01, 0.01], rtol: 1e-6)
        // poly: (1 - 50/100)^0.9 = 0.535887.
        expectClose([LearningRateSchedule.poly(totalEpochs: 100, power: 0.9).factor(epoch: 50)], [0.5358867], rtol: 1e-5)
        // cosine halfway between 1 and 0.1: 0.55.
        expectClose([LearningRateSchedule.cosine(totalEpochs: 10, minimumFactor: 0.1).factor(epoch: 5)], [0.55], rtol: 1e-6)
    }
}
