Feature: IP safelist
  The IP Safelist on the Security Settings page names the addresses from
  which the practice's users may sign in.

  Background:
    Given Riverside Clinic is a practice where MFA is available
    And Dana is the account holder of Riverside Clinic
    And Erin is a user of Riverside Clinic

  Rule: The account holder manages the safelist on Security Settings

    @SAF-01 @SAF-21 @documented @interpreted
    Example: Dana saves a safelist of an office range and a single address
      Given Dana has signed in
      When Dana saves the IP safelist:
        | entry          |
        | 203.0.113.0/24 |
        | 198.51.100.7   |
        | 2001:db8::/32  |
      Then the IP safelist holds exactly those entries

    @SAF-21 @interpreted
    Scenario Outline: An invalid entry is refused and nothing is saved
      Given Dana has signed in
      And Dana has saved the IP safelist "203.0.113.0/24"
      When Dana saves the IP safelist "198.51.100.0/24" with the entry "<entry>"
      Then she is told that "<entry>" is not a valid safelist entry
      And the IP safelist still holds only "203.0.113.0/24"

      Examples:
        | entry           |
        | 203.0.113.300   |
        | office network  |
        | 192.168.0.0/33  |

    @SAF-21 @interpreted @position:safelist_host_bits=refused
    Example: A range with host bits set is refused and nothing is saved
      Given Dana has signed in
      And Dana has saved the IP safelist "203.0.113.0/24"
      When Dana saves the IP safelist "198.51.100.0/24" with the entry "10.0.0.1/24"
      Then she is told that "10.0.0.1/24" is not a valid safelist entry
      And the IP safelist still holds only "203.0.113.0/24"

    @SAF-21 @interpreted @position:safelist_host_bits=normalised
    Example: A range with host bits set is saved as the network it lies in
      Given Dana has signed in
      When Dana saves the IP safelist "198.51.100.0/24" with the entry "10.0.0.1/24"
      Then the IP safelist holds exactly "198.51.100.0/24" and "10.0.0.0/24"

    @ENF-11 @inferred
    Example: A user who is not an account holder cannot change the safelist
      Given Erin has signed in
      When Erin tries to save the IP safelist "198.51.100.0/24"
      Then she is told that only an account holder can do this

  Rule: Sign-in is allowed only from safelisted addresses

    @SAF-20 @needs-client-address @interpreted @position:safelist_refusal
    Scenario Outline: Erin signs in from <address>
      Given Dana has saved the IP safelist "203.0.113.0/24"
      When Erin signs in with her password from <address>
      Then Erin is <outcome>

      Examples:
        | address      | outcome                                 |
        | 203.0.113.25 | signed in                               |
        | 198.51.100.7 | refused because of her address          |

    @SAF-20 @needs-client-address @interpreted @position:safelist_account_holders=bound @position:safelist_refusal
    Example: The safelist applies to the account holder too
      Given Dana has saved the IP safelist "203.0.113.0/24"
      When Dana signs in with her password from 198.51.100.7
      Then Dana is refused because of her address

    @SAF-20 @needs-client-address @interpreted @position:safelist_account_holders=exempt
    Example: The account holder signs in from outside the safelist
      Given Dana has saved the IP safelist "203.0.113.0/24"
      When Dana signs in with her password from 198.51.100.7
      Then Dana is signed in

    @SAF-20 @needs-client-address @interpreted @position:safelist_refusal
    Example: A user with MFA is refused from outside the safelist before any code
      Given Erin has set up MFA with her phone
      And Dana has saved the IP safelist "203.0.113.0/24"
      When Erin signs in with her password from 198.51.100.7
      Then Erin is refused because of her address

    @SAF-20 @needs-client-address @interpreted
    Example: An empty safelist allows any address
      Given Dana has saved an empty IP safelist
      When Erin signs in with her password from 198.51.100.7
      Then Erin is signed in

    @SAF-22 @needs-client-address @interpreted @position:safelist_spares_code=no
    Example: A safelisted address does not exempt Erin from MFA
      Given Erin has set up MFA with her phone
      And Dana has saved the IP safelist "203.0.113.0/24"
      When Erin signs in with her password from 203.0.113.25
      Then Erin is asked for a code from her authenticator

    @SAF-22 @needs-client-address @interpreted @position:safelist_spares_code=yes
    Example: From a safelisted address Erin signs in without a code
      Given Erin has set up MFA with her phone
      And Dana has saved the IP safelist "203.0.113.0/24"
      When Erin signs in with her password from 203.0.113.25
      Then Erin is signed in
