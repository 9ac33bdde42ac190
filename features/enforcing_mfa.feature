Feature: Enforcing MFA for all users
  An account holder opens Practice Security Settings (Menu, Admin) and checks
  the box that enforces MFA for ALL users of the practice. From each user's next
  sign-in, a user without MFA is shown the setup screen and cannot go further
  until an authenticator is set up.

  Background:
    Given Riverside Clinic is a practice where MFA is available
    And Dana is the account holder of Riverside Clinic
    And Erin is a user of Riverside Clinic

  Rule: The account holder enforces MFA from Practice Security Settings

    @ENF-01 @ENF-02 @ENF-03 @SAF-01 @documented
    Example: Dana enforces MFA for all users
      Given Dana has signed in
      When Dana opens Practice Security Settings
      Then she can manage multi-factor authentication and the IP safelist there
      When Dana enforces MFA for all users
      Then Practice Security Settings show MFA enforced for all users

    @ENF-11 @inferred
    Example: A user who is not an account holder cannot reach Practice Security Settings
      Given Erin has signed in
      When Erin tries to enforce MFA for all users
      Then she is told that only an account holder can do this

    @ENR-12 @inferred
    Example: MFA cannot be enforced where it is not available
      Given Hillside Practice is a practice where MFA is not available
      And Olga is the account holder of Hillside Practice
      And Olga has signed in
      When Olga tries to enforce MFA for all users
      Then she is told that MFA is not available to her practice

  Rule: Under enforcement, a user without MFA must set it up at the next sign-in

    @ENF-04 @ENF-05 @documented
    Example: Erin is made to set up MFA at her next sign-in
      Given Riverside Clinic enforces MFA for all users
      When Erin signs in with her password
      Then Erin is asked to set up MFA before she can continue
      And the setup screen offers the suggested authenticator apps and a QR code
      When Erin scans the QR code with her phone
      And she saves the device as "Erin's phone" with the code her phone shows
      Then Erin is signed in

    @ENF-03 @ENF-04 @SGN-01 @documented @inferred
    Example: Everyone, the account holder included, needs MFA once it is enforced
      Given Riverside Clinic enforces MFA for all users
      And Frank is a user of Riverside Clinic
      And Frank has set up MFA with his phone
      When Dana signs in with her password
      Then Dana is asked to set up MFA before she can continue
      When Frank signs in with his password
      Then Frank is asked for a code from his authenticator

    @ENF-10 @inferred
    Example: The setup screen cannot be skipped
      Given Riverside Clinic enforces MFA for all users
      When Erin signs in with her password
      Then Erin cannot use the product yet
      And Erin's MFA status in User Settings is not enrolled

    @ENF-04 @ENF-10 @documented @inferred
    Example: A user who leaves the setup screen is asked again at the next sign-in
      Given Riverside Clinic enforces MFA for all users
      And Erin signs in with her password
      When Erin signs out
      And Erin signs in with her password
      Then Erin is asked to set up MFA before she can continue

    @ENF-20 @interpreted @position:enforcement_sessions=kept
    Example: Sessions open when MFA is enforced go on until the next sign-in
      Given Erin has signed in
      When Dana enforces MFA for all users
      Then Erin can still use the product
      When Erin signs out
      And Erin signs in with her password
      Then Erin is asked to set up MFA before she can continue

    @ENF-20 @interpreted @position:enforcement_sessions=ended
    Example: Enforcing MFA ends the sessions open in the practice
      Given Erin has signed in
      When Dana enforces MFA for all users
      Then Erin's session has ended
      And Dana can still use the product
      When Erin signs in with her password
      Then Erin is asked to set up MFA before she can continue
