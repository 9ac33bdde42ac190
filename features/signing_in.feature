Feature: Signing in with an authenticator
  An enrolled user gives the one-time code from their authenticator app after
  the password, at every sign-in. Codes follow RFC 6238 TOTP: they change every
  30 seconds, tolerate the system's declared clock drift (drift_steps; the
  reference: one time step either side) and are accepted only once.

  Background:
    Given Riverside Clinic is a practice where MFA is available
    And Erin is a user of Riverside Clinic
    And Erin has set up MFA with her phone

  Rule: An enrolled user is asked for a code at every sign-in

    @SGN-01 @inferred
    Example: Erin signs in with the code from her phone
      When Erin signs in with her password
      Then Erin is asked for a code from her authenticator
      And Erin cannot use the product yet
      When Erin enters the code her phone shows
      Then Erin is signed in

    @SGN-01 @inferred
    Example: The code is asked for again at the next sign-in
      Given Erin has signed in
      When Erin signs out
      And Erin signs in with her password
      Then Erin is asked for a code from her authenticator

  Rule: Only a current code from the enrolled device signs in

    @SGN-04 @inferred
    Example: A wrong code does not sign in
      When Erin signs in with her password
      And Erin enters a code that is not her phone's
      Then the code is refused
      And Erin cannot use the product yet

    @SGN-04 @inferred
    Example: A code from another authenticator does not sign in
      Given Erin has a second phone set up for another account
      When Erin signs in with her password
      And Erin enters the code her second phone shows
      Then the code is refused

    @SGN-04 @inferred
    Example: A code from a colleague's authenticator does not sign in
      Given Frank is a user of Riverside Clinic
      And Frank has set up MFA with his phone
      When Erin signs in with her password
      And Erin enters the code Frank's phone shows
      Then the code is refused

    @SGN-03 @inferred @position:drift_steps
    Scenario Outline: A code <when> is <verdict>
      Given Erin's last code is more than 2 time steps old
      When Erin signs in with her password
      And Erin enters the code her phone shows <when>
      Then the code is <verdict>

      Examples:
        | when                                        | verdict  |
        | one time step earlier than the drift allows | refused  |
        | as early as the drift allows                | accepted |
        | for the current time step                   | accepted |
        | as late as the drift allows                 | accepted |
        | one time step later than the drift allows   | refused  |

    @SGN-03 @inferred
    Example: A code kept for more than a minute has expired
      Given a new time step has just begun
      When Erin notes the code her phone shows
      And 61 seconds pass
      And Erin signs in with her password
      And Erin enters the noted code
      Then the code is refused

  Rule: Each code is accepted once

    @SGN-05 @inferred
    Example: A code that has signed in once does not sign in again
      Given a new time step has just begun
      And Erin has signed in
      When Erin signs out
      And Erin signs in with her password
      And Erin enters the code she last used
      Then the code is refused

    @SGN-05 @inferred
    Example: An older code is refused after a newer one was accepted
      Given a new time step has just begun
      When Erin notes the code her phone shows
      And 30 seconds pass
      And Erin signs in with her password
      And Erin enters the code her phone shows
      And Erin signs out
      And Erin signs in with her password
      And Erin enters the noted code
      Then the code is refused
