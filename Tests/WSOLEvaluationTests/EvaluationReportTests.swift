import Testing
@testable import WSOLEvaluation

@Suite struct EvaluationReportTests {
    @Test func jsonKeepsKeyOrderAndEscapes() {
        let value: JSONValue = .object([("b", .integer(1)), ("a", .array([.number(0.1), .null, .bool(true)])),
                                        ("s", .string("x\"y\n"))])
        #expect(value.rendered() == #"{"b":1,"a":[0.1,null,true],"s":"x\"y\n"}"#)
    }

    @Test func percentKeysAndCSVQuoting() {
        #expect(EvaluationReport.percentKey(0.3) == "30")
        #expect(EvaluationReport.percentKey(0.7) == "70")
        #expect(EvaluationReport.csvField("a,b") == "\"a,b\"")
        #expect(EvaluationReport.csvField("plain/id.jpg") == "plain/id.jpg")
    }

    @Test func numpySumFollowsPairwiseOrder() {
        // Below 8 elements NumPy adds left to right from 0: (0.1 + 0.2) + 0.3 = 0.6000000000000001.
        #expect(numpySum([0.1, 0.2, 0.3]) == 0.6000000000000001)
        // 9 elements: eight lanes combined ((l0+l1)+(l2+l3))+((l4+l5)+(l6+l7)), then the ninth added;
        // with 1e16 the order matters (1e16 + 1 loses the 1), so a left-to-right sum differs.
        let values = [1e16, 1, -1e16, 1, 1, 1, 1, 1, 1]
        let lanes = ((values[0] + values[1]) + (values[2] + values[3])) + ((values[4] + values[5]) + (values[6] + values[7]))
        // (1e16 + 1) = 1e16 and (-1e16 + 1) = -1e16 (spacing 2 above 2^53): 0 + 4, then + 1 = 5;
        // left to right would give 6 (1e16 + 1 - 1e16 = 0, then six 1s).
        #expect(lanes + values[8] == 5)
        #expect(numpySum(values) == lanes + values[8])
    }
}
