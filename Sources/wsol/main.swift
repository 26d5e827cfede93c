import WSOLCLI

WSOLCommand.main()
