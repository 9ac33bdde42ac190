Feature: User management
  From Security Settings, User Settings lets an account holder see the MFA
  status of every user, find a user by full and exact username, and reset a
  user's MFA.

  Background:
    Given Riverside Clinic is a practice where MFA is available
    And Dana is the account holder of Riverside Clinic
    And Erin is a user of Riverside Clinic
    And Frank is a user of Riverside Clinic
    And Erin has set up MFA with her phone

  Rule: Account holders see every user's MFA status

    @MGT-01 @MGT-02 @MGT-03 @documented
    Example: Dana lists the MFA status of her practice's users
      Given Dana has signed in
      When Dana opens User Settings
      Then she sees these users with their MFA status:
        | user  | MFA status   |
        | Dana  | not enrolled |
        | Erin  | enrolled     |
        | Frank | not enrolled |

    @MGT-10 @inferred
    Example: Users of another practice are not listed
      Given Hillside Practice is a practice where MFA is available
      And Olga is the account holder of Hillside Practice
      And Dana has signed in
      When Dana opens User Settings
      Then she does not see Olga among the users

    @ENF-11 @inferred
    Example: A user who is not an account holder cannot reach User Settings
      Given Frank has signed in
      When Frank tries to open User Settings
      Then he is told that only an account holder can do this

  Rule: Search needs the full and exact username

    @MGT-03 @MGT-04 @documented
    Scenario Outline: Dana searches for Erin's username <form>
      Given Dana has signed in
      When Dana searches User Settings for Erin's username <form>
      Then the search finds <result>

      Examples:
        | form                     | result |
        | in full                  | Erin   |
        | without its last letter  | nobody |
        | without its first letter | nobody |
        | with a letter added      | nobody |

    @MGT-20 @interpreted @position:username_search=case-sensitive
    Example: A username typed in other letter case finds nobody
      Given Dana has signed in
      When Dana searches User Settings for Erin's username in upper case
      Then the search finds nobody

    @MGT-20 @interpreted @position:username_search=case-insensitive
    Example: A username typed in other letter case finds the user
      Given Dana has signed in
      When Dana searches User Settings for Erin's username in upper case
      Then the search finds Erin

    @MGT-10 @inferred
    Example: A search does not find a user of another practice
      Given Hillside Practice is a practice where MFA is available
      And Olga is the account holder of Hillside Practice
      And Dana has signed in
      When Dana searches User Settings for Olga's username in full
      Then the search finds nobody

  Rule: Reset MFA removes a user's device

    @MGT-05 @documented
    Example: Dana resets Erin's MFA
      Given Dana has signed in
      When Dana resets Erin's MFA
      Then Erin's MFA status in User Settings is not enrolled

    @MGT-10 @inferred
    Example: Dana cannot reset a user of another practice
      Given Hillside Practice is a practice where MFA is available
      And Olga is the account holder of Hillside Practice
      And Olga has set up MFA with her phone
      When Dana resets Olga's MFA
      Then she is told that there is no such user in her practice
      And Olga is asked for a code from her authenticator the next time she signs in

    @MGT-21 @interpreted @position:self_reset=refused
    Example: Dana cannot reset her own MFA
      Given Dana has set up MFA with her phone
      When Dana resets Dana's MFA
      Then she is told to contact vendor support
      And Dana's MFA status in User Settings is enrolled with "Dana's phone"

    @MGT-21 @interpreted @position:self_reset=allowed
    Example: Dana resets her own MFA
      Given Dana has set up MFA with her phone
      When Dana resets Dana's MFA
      Then Dana's MFA has been reset
      And Dana signs in afresh without being asked for a code
