import TensorKernels
import Testing

/// The benchmark helpers run every pass and return a plausible positive time.
@Suite struct KernelBenchmarkTests {
    @Test func everyHelperReturnsAPositiveTime() {
        let conv = Conv2dGeometry(
            batch: 1, inputChannels: 16, inputHeight: 8, inputWidth: 8, outputChannels: 16,
            kernelHeight: 3, kernelWidth: 3, paddingHeight: 1, paddingWidth: 1)
        var times: [Double] = []
        for pass in ConvolutionPass.allCases {
            times.append(KernelBenchmark.conv(conv, pass: pass, repeats: 2))
            times.append(KernelBenchmark.convPrimitiveOnly(conv, pass: pass, repeats: 2, clock: .processCPU))
        }
        let pool = Pool2dGeometry(
            batch: 1, channels: 4, inputHeight: 8, inputWidth: 8, kernelHeight: 2, kernelWidth: 2,
            strideHeight: 2, strideWidth: 2, kind: .max)
        for pass in PoolingPass.allCases { times.append(KernelBenchmark.pool(pool, pass: pass, repeats: 2)) }
        let norm = BatchNormGeometry(batch: 2, channels: 4, spatial: 16)
        for pass in BatchNormPass.allCases {
            times.append(KernelBenchmark.batchNorm(norm, pass: pass, repeats: 2, statistic: .minimum))
        }
        times.append(KernelBenchmark.gemm(m: 16, n: 16, k: 16, repeats: 2))
        #expect(times.count == 12)  // 3 passes x 2 conv helpers + 2 pooling + 3 batch norm + 1 gemm
        // Wall-clock times are positive; a CPU-time sample may be 0 at the clock's granularity.
        #expect(times.allSatisfy { $0 >= 0 && $0 < 5 })
        #expect(times.contains { $0 > 0 })
    }
}
