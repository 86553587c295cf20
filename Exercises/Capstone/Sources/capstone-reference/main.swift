import CapstoneKit
import Foundation
import ReferenceDesign

// The capstone with the reference design (Sources/ReferenceDesign/Design.swift).
exit(Capstone.main(design: capstoneDesign(), arguments: Array(CommandLine.arguments.dropFirst())))
