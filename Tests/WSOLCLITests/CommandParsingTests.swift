import Testing
@testable import WSOLCLI

@Suite struct CommandParsingTests {
    @Test func rootCommandListsVersion() throws {
        let names = WSOLCommand.configuration.subcommands.map { $0.configuration.commandName }
        #expect(names.contains("version"))
    }
    @Test func unknownSubcommandIsRejected() {
        #expect(throws: (any Error).self) { try WSOLCommand.parseAsRoot(["no-such-command"]) }
    }
}
