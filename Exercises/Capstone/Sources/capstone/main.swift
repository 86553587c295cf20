import CapstoneKit
import Design
import Foundation

// The capstone with the student's design (Sources/Design/Design.swift).
exit(Capstone.main(design: capstoneDesign(), arguments: Array(CommandLine.arguments.dropFirst())))
